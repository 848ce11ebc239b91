"""The magics' texts: usage errors, option help, ``%youchuan help`` and the subcommands' output,
the load message. Flags, metavars (JOB, N) and setting names stay as they are written."""

EN: dict[str, str] = {
    # -- parsing ---------------------------------------------------------------------------------
    "magics.error": "{prog}: {message} (see {see})",
    "magics.error_plain": "{prog}: error",
    "magics.no_closing_quote": "{prog}: no closing quotation in {line}",
    "magics.split_error": "{prog}: {problem} in {line}",
    "magics.too_many_options": (
        "{prog}: {n} options on one line; a magic line takes at most {limit}"
    ),
    "magics.not_a_number": "expected a number, got {text}",
    "magics.bad_image_number": "image number {text}: use {low}-{high}, as numbered on the card",
    "magics.bad_job_image": (
        "{text}: give JOB or JOB:N (a job id or a variable name, then the image number)"
    ),
    "magics.bad_rect": "{text}: give X,Y,W,H in image pixels",
    "magics.unknown_option": (
        "{prog}: unknown option {word} (see {prog} --help; Midjourney flags such as --ar 16:9 "
        "also work here)"
    ),
    "magics.unrecognized": "{prog}: unrecognized arguments: {words} (see %youchuan help)",
    "magics.no_subcommand": "%youchuan: give a subcommand first, not {word} (see %youchuan help)",
    # -- option help -----------------------------------------------------------------------------
    "magics.opt.wait": "block until the jobs end",
    "magics.opt.name": "bind the job to the variable VAR",
    "magics.opt.timeout": "seconds to wait (default: ImagineMagics.timeout)",
    "magics.opt.new": "submit a new job even if this cell's job exists already",
    "magics.opt.yes": "submit a permutation of more jobs than ImagineMagics.confirm_above",
    "magics.opt.plain": "no card: wait, print the file paths",
    "magics.opt.from": "animate image N (default 1) of JOB (a job id or a variable)",
    "magics.opt.resolution": "the video's resolution",
    "magics.opt.motion": "how much the video moves",
    "magics.opt.new_follow_up": "submit even if the same request made a job already",
    "magics.opt.job": "a job id or a variable holding a Job",
    "magics.opt.index": "the number on the card",
    "magics.opt.upscaler": "the upscaler",
    "magics.opt.vary_type": "how far the variations go",
    "magics.opt.remix_mode": "how far the remix goes",
    "magics.opt.same_as": "the same as {flag}",
    "magics.opt.direction": "the direction to extend in",
    "magics.opt.scale": "how far to extend or zoom out",
    "magics.opt.rect": "a rectangle to repaint (repeat for several)",
    "magics.opt.prompt": "the new prompt",
    "magics.opt.url": "the image's public URL",
    "magics.opt.limit": "how many jobs",
    "magics.opt.page": "the page of records",
    "magics.opt.doctor_job": "make one cheap draft job",
    "magics.opt.base_url": "the service's URL (default: the official one)",
    "magics.opt.target": "sim: the simulator; real: the service",
    "magics.desc.imagine": (
        "A grid of 4 images from the prompt (the cell body); {var} is replaced by a "
        "variable's value, then a permutation such as 'a {red, blue} car' makes one job per "
        "combination ({{ and }} are literal braces)."
    ),
    "magics.desc.animate": (
        "A video from a prompt (the cell body), or from image N of a finished grid."
    ),
    # -- the subcommands, one line each -----------------------------------------------------------
    "magics.cmd.job": "show a job and its follow-ups",
    "magics.cmd.jobs": "the archive, newest N jobs first",
    "magics.cmd.archive": "search and browse every job of the job store",
    "magics.opt.archive_words": "prompt words to search for",
    "magics.cmd.upscale": "upscale image N",
    "magics.cmd.vary": "variations of image N",
    "magics.cmd.pan": "extend image N in one direction",
    "magics.cmd.zoom": "zoom out of image N",
    "magics.cmd.remix": "image N again with a new prompt",
    "magics.cmd.reroll": "the same prompt again",
    "magics.cmd.enhance": "a full-quality version of a --draft image",
    "magics.cmd.inpaint": "repaint the rectangles of image N",
    "magics.cmd.retexture": "a new look for the image at URL",
    "magics.cmd.remove-bg": "the image at URL without its background",
    "magics.cmd.extend": "about 4 s more of video N",
    "magics.cmd.upscale-video": "video N in 1080p",
    "magics.cmd.account": "the account's plan and balance",
    "magics.cmd.costs": "the cost records",
    "magics.cmd.moodboards": "the moodboards (use one with --p ID)",
    "magics.cmd.doctor": "check the service step by step (no paid call unless --job)",
    "magics.cmd.login": "ask for credentials and use the service",
    "magics.cmd.use": "switch between the simulator and the service",
    "magics.cmd.help": "this list",
    # -- %youchuan help ----------------------------------------------------------------------------
    "magics.help.title": "youchuan_nb magics",
    "magics.help.prompt": "a grid of 4 images; {var} is replaced by a variable's value",
    "magics.help.permutation": "one job per combination (--yes above confirm_above jobs)",
    "magics.help.one_line": "the one-line form",
    "magics.help.animate": (
        "a video from a prompt, or from image N ({low}-{high}) of a finished job"
    ),
    "magics.help.subcommands": "%youchuan (or %yc) SUBCOMMAND:",
    "magics.help.job_ref": (
        "JOB is a job id or the name of a variable holding a Job; N is the number on the card "
        "({low}-{high})."
    ),
    "magics.help.rerun": "Re-running an unchanged cell shows its job again; --new makes a new one.",
    "magics.help.tab": (
        "Tab after -- in an %%imagine/%%animate cell completes flags and their values."
    ),
    "magics.help.settings": "Settings: %config ImagineMagics ({names}).",
    "magics.help.language": (
        "Language: YOUCHUAN_NB_LANG=zh|en, or %config ImagineMagics.language = 'zh' | 'en'."
    ),
    # -- the magics' own usage errors --------------------------------------------------------------
    "magics.undefined_var": (
        "{{{name}}} in the prompt: no variable {quoted} is defined (define it, or write "
        "{{{{{name}}}}} for literal braces)"
    ),
    "magics.no_job": "no job {ref}: give a job id or a variable holding a Job ({error})",
    "magics.refused": "{what}: {problem}",
    "magics.imagine_needs_prompt": (
        "%%imagine: the cell body is the prompt, e.g.\n%%imagine\na red fox in snow --ar 3:2"
    ),
    "magics.animate_needs_prompt": "%%animate: write a prompt in the cell, or use --from JOB:N",
    "magics.plain.error": "error: {error}",
    "magics.plain.failed": "job {id} failed: {reason}",
    "magics.plain.finished": "job {id} finished: {n} output(s)",
    # -- permutations and re-runs -----------------------------------------------------------------
    "magics.perm.bad": "prompt: {problem}",
    "magics.perm.repeats": (
        "{repeats} of the {total} combinations repeat an earlier prompt: each prompt is made once"
    ),
    "magics.perm.invalid": (
        "{prog}: {bad} of the {total} combinations are invalid, so none was sent (fix the "
        "option): {listed}"
    ),
    "magics.perm.too_many": (
        "{prog}: this cell makes {n} jobs ({which}), more than ImagineMagics.confirm_above = "
        "{limit}; nothing was sent: re-run with --yes to submit them (or use fewer options)"
    ),
    "magics.perm.announce": "This cell makes {n} jobs, one per combination of {which}.",
    "magics.rerun.one": "Showing the job from {time} (unchanged cell); use --new to make a new one",
    "magics.rerun.many": (
        "Showing {n} jobs from {time} on (unchanged combinations); use --new to make new ones"
    ),
    # -- subcommands' output -----------------------------------------------------------------------
    "magics.inpaint.unfinished": "job {id} has no finished images to paint on ({status})",
    "magics.inpaint.no_such_image": "job {id} has {n} image(s); use 1-{n}",
    "magics.inpaint.not_downloaded": "image {n} of job {id} could not be downloaded",
    "magics.account.simulator": "simulator: {url}  app {app}",
    "magics.account.service": "service: {url}  app {app}",
    "magics.unreadable": "{what}: an answer youchuan_nb cannot read (please report it): {answer}",
    "magics.costs.title": "costs page {page} ({total} records)",
    "magics.moodboards.title": "{n} moodboard(s); use one in a prompt with --p <id>",
    "magics.moodboards.row": "{id}  {name}  ({n} images)",
    "magics.login.app_id": "Youchuan app id (not shown): ",
    "magics.login.secret": "Youchuan secret (not shown): ",
    "magics.login.no_input": (
        "login needs a front end that can ask for input; set YOUCHUAN_APP_ID and "
        "YOUCHUAN_SECRET in the environment instead"
    ),
    "magics.login.cancelled": "login cancelled: both the app id and the secret are needed",
    "magics.login.done": "using the Youchuan service as {app} ({url})",
    "magics.use.sim": "using the built-in simulator",
    "magics.use.real": "using the Youchuan service as {app}",
    "magics.use.no_credentials": (
        "no credentials: set YOUCHUAN_APP_ID and YOUCHUAN_SECRET or run %youchuan login"
    ),
    # -- %config ImagineMagics: each setting's line (the English is the trait's own help) --------
    "config.word.choices": "Choices",
    "config.word.current": "Current",
    "config.word.default": "Default",
    "settings.cache_dir": "Folder for downloaded results (default: the user data folder).",
    "settings.confirm_above": (
        "A permutation cell (a {red, blue} car) making more jobs than this sends nothing until "
        "re-run with --yes."
    ),
    "settings.default_flags": (
        "Flags added to a prompt that does not set them (the service's own default model is 6.1)."
    ),
    "settings.image_host": (
        "Where local pictures go (client.upload): simulator, s3 (YOUCHUAN_S3_*) or none; empty: "
        "YOUCHUAN_IMAGE_HOST, else the simulator when it is in use."
    ),
    "settings.language": (
        "Language of cards and messages: zh (简体中文) or en; empty: YOUCHUAN_NB_LANG, else the "
        "locale. New output switches at once."
    ),
    "settings.max_concurrent": (
        "Jobs in flight at once; 0 asks the service (read when the client is made)."
    ),
    "settings.max_poll_interval": (
        "Longest pause between polls of a job, seconds (read when the client is made)."
    ),
    "settings.poll_interval": "Shortest pause between polls of a job, seconds.",
    "settings.rules": (
        "documented: only the official document's rules refuse a request locally (others warn "
        "once and the service decides); strict: secondary sources' rules refuse too."
    ),
    "settings.thumbnail_size": "Long side of card thumbnails, pixels.",
    "settings.timeout": "Seconds a blocking cell waits for its jobs.",
    "settings.wait": (
        "auto: cells return at once in a live notebook and block when run headless; always; never."
    ),
    # -- %load_ext ---------------------------------------------------------------------------------
    "magics.load.simulator": (
        "youchuan_nb: no credentials found, using the built-in SIMULATOR (set YOUCHUAN_APP_ID "
        "and YOUCHUAN_SECRET, or run %youchuan login, for the real service). It starts at the "
        "first job. %youchuan help lists the commands."
    ),
    "magics.load.missing": (
        "youchuan_nb: missing credentials: set {missing} (or run %youchuan login). %youchuan "
        "help lists the commands."
    ),
    "magics.load.and": " and ",
    "magics.load.service": (
        "youchuan_nb: using the Youchuan service{where} as {app}. %youchuan help lists the "
        "commands."
    ),
    "magics.load.at": " at {url}",
    "magics.load.store_unchecked": "youchuan_nb: the job store cannot be checked: {error}",
}

ZH: dict[str, str] = {
    "magics.error": "{prog}：{message}（参见 {see}）",
    "magics.error_plain": "{prog}：出错",
    "magics.no_closing_quote": "{prog}：引号没有闭合：{line}",
    "magics.split_error": "{prog}：{problem}：{line}",
    "magics.too_many_options": "{prog}：一行有 {n} 个选项；魔法命令一行最多 {limit} 个",
    "magics.not_a_number": "需要一个数字，收到的是 {text}",
    "magics.bad_image_number": "图片编号 {text}：请用 {low}-{high}，即卡片上的编号",
    "magics.bad_job_image": "{text}：请写 JOB 或 JOB:N（任务 ID 或变量名，然后是图片编号）",
    "magics.bad_rect": "{text}：请写 X,Y,W,H（单位为图片像素）",
    "magics.unknown_option": (
        "{prog}：未知选项 {word}（参见 {prog} --help；这里也可以写 Midjourney 参数，"
        "例如 --ar 16:9）"
    ),
    "magics.unrecognized": "{prog}：无法识别的参数：{words}（参见 %youchuan help）",
    "magics.no_subcommand": "%youchuan：请先写子命令，而不是 {word}（参见 %youchuan help）",
    "magics.opt.wait": "等待任务结束再返回",
    "magics.opt.name": "把任务绑定到变量 VAR",
    "magics.opt.timeout": "等待的秒数（默认：ImagineMagics.timeout）",
    "magics.opt.new": "即使这个单元格的任务已存在，也提交新任务",
    "magics.opt.yes": "提交超过 ImagineMagics.confirm_above 个任务的排列组合",
    "magics.opt.plain": "不显示卡片：等待结束并打印文件路径",
    "magics.opt.from": "为 JOB 的第 N 张图（默认 1）生成视频（JOB 为任务 ID 或变量）",
    "magics.opt.resolution": "视频的分辨率",
    "magics.opt.motion": "视频的运动幅度",
    "magics.opt.new_follow_up": "即使相同的请求已生成过任务，也重新提交",
    "magics.opt.job": "任务 ID，或保存任务（Job）的变量",
    "magics.opt.index": "卡片上的编号",
    "magics.opt.upscaler": "放大方式",
    "magics.opt.vary_type": "变化的幅度",
    "magics.opt.remix_mode": "混合修改的幅度",
    "magics.opt.same_as": "等同于 {flag}",
    "magics.opt.direction": "扩展的方向",
    "magics.opt.scale": "扩展或缩小的倍数",
    "magics.opt.rect": "要重绘的矩形（可重复以指定多个）",
    "magics.opt.prompt": "新的提示词",
    "magics.opt.url": "图片的公开链接",
    "magics.opt.limit": "任务个数",
    "magics.opt.page": "记录的页码",
    "magics.opt.doctor_job": "生成一个低价的草图任务",
    "magics.opt.base_url": "服务地址（默认：官方地址）",
    "magics.opt.target": "sim：模拟器；real：真实服务",
    "magics.desc.imagine": (
        "根据提示词（单元格内容）生成 4 张图；{var} 会替换为变量的值，然后排列组合"
        "（例如 'a {red, blue} car'）为每种组合生成一个任务（{{ 和 }} 表示字面的花括号）。"
    ),
    "magics.desc.animate": (
        "根据提示词（单元格内容）生成视频，或用已完成四宫格的第 N 张图生成视频。"
    ),
    "magics.cmd.job": "显示一个任务及其后续任务",
    "magics.cmd.jobs": "任务档案，最新的 N 个在前",
    "magics.cmd.archive": "搜索并浏览任务库中的所有任务",
    "magics.opt.archive_words": "要搜索的提示词",
    "magics.cmd.upscale": "放大第 N 张图",
    "magics.cmd.vary": "第 N 张图的变体",
    "magics.cmd.pan": "向一个方向扩展第 N 张图",
    "magics.cmd.zoom": "缩小扩展第 N 张图",
    "magics.cmd.remix": "用新提示词重做第 N 张图",
    "magics.cmd.reroll": "用相同的提示词重新生成",
    "magics.cmd.enhance": "--draft 草图的完整质量版本",
    "magics.cmd.inpaint": "重绘第 N 张图中的矩形区域",
    "magics.cmd.retexture": "为 URL 处的图片换一种外观",
    "magics.cmd.remove-bg": "去掉 URL 处图片的背景",
    "magics.cmd.extend": "把第 N 个视频延长约 4 秒",
    "magics.cmd.upscale-video": "把第 N 个视频放大到 1080p",
    "magics.cmd.account": "账户的套餐与余额",
    "magics.cmd.costs": "消费记录",
    "magics.cmd.moodboards": "情绪板列表（在提示词中用 --p ID 使用）",
    "magics.cmd.doctor": "逐步检查服务（除非加 --job，否则不产生费用）",
    "magics.cmd.login": "输入凭据并使用真实服务",
    "magics.cmd.use": "在模拟器与真实服务之间切换",
    "magics.cmd.help": "本列表",
    "magics.help.title": "youchuan_nb 魔法命令",
    "magics.help.prompt": "生成 4 张图的四宫格；{var} 会替换为变量的值",
    "magics.help.permutation": "每种组合一个任务（超过 confirm_above 个任务需加 --yes）",
    "magics.help.one_line": "单行写法",
    "magics.help.animate": "根据提示词生成视频，或用已完成任务的第 N 张图（{low}-{high}）生成",
    "magics.help.subcommands": "%youchuan（或 %yc）子命令：",
    "magics.help.job_ref": (
        "JOB 为任务 ID 或保存任务（Job）的变量名；N 为卡片上的编号（{low}-{high}）。"
    ),
    "magics.help.rerun": "重新运行未修改的单元格会再次显示它的任务；加 --new 则生成新任务。",
    "magics.help.tab": "在 %%imagine/%%animate 单元格中，在 -- 之后按 Tab 可补全参数及其取值。",
    "magics.help.settings": "设置：%config ImagineMagics（{names}）。",
    "magics.help.language": (
        "语言：YOUCHUAN_NB_LANG=zh|en，或 %config ImagineMagics.language = 'zh' | 'en'。"
    ),
    "magics.undefined_var": (
        "提示词中的 {{{name}}}：没有定义变量 {quoted}（请先定义它，或写 {{{{{name}}}}} 表示字"
        "面的花括号）"
    ),
    "magics.no_job": "找不到任务 {ref}：请给出任务 ID 或保存任务（Job）的变量（{error}）",
    "magics.refused": "{what}：{problem}",
    "magics.imagine_needs_prompt": (
        "%%imagine：单元格内容就是提示词，例如\n%%imagine\na red fox in snow --ar 3:2"
    ),
    "magics.animate_needs_prompt": "%%animate：请在单元格中写提示词，或使用 --from JOB:N",
    "magics.plain.error": "出错：{error}",
    "magics.plain.failed": "任务 {id} 失败：{reason}",
    "magics.plain.finished": "任务 {id} 已完成：{n} 个结果",
    "magics.perm.bad": "提示词：{problem}",
    "magics.perm.repeats": (
        "{total} 种组合中有 {repeats} 种与前面的提示词重复：每个提示词只生成一次"
    ),
    "magics.perm.invalid": (
        "{prog}：{total} 种组合中有 {bad} 种无效，因此一个都没有发送（请修改选项）：{listed}"
    ),
    "magics.perm.too_many": (
        "{prog}：这个单元格会生成 {n} 个任务（{which}），超过了 ImagineMagics.confirm_above = "
        "{limit}；没有发送任何任务：加 --yes 重新运行即可提交（或减少选项）"
    ),
    "magics.perm.announce": "这个单元格会生成 {n} 个任务，{which} 的每种组合一个。",
    "magics.rerun.one": "显示 {time} 提交的任务（单元格未修改）；加 --new 生成新任务",
    "magics.rerun.many": "显示自 {time} 起的 {n} 个任务（组合未修改）；加 --new 生成新任务",
    "magics.inpaint.unfinished": "任务 {id} 没有已完成的图片可供重绘（{status}）",
    "magics.inpaint.no_such_image": "任务 {id} 有 {n} 张图；请用 1-{n}",
    "magics.inpaint.not_downloaded": "任务 {id} 的第 {n} 张图无法下载",
    "magics.account.simulator": "模拟器：{url}  应用 {app}",
    "magics.account.service": "服务：{url}  应用 {app}",
    "magics.unreadable": "{what}：youchuan_nb 无法读取的应答（请报告此问题）：{answer}",
    "magics.costs.title": "消费记录第 {page} 页（共 {total} 条）",
    "magics.moodboards.title": "{n} 个情绪板；在提示词中用 --p <id> 使用",
    "magics.moodboards.row": "{id}  {name}（{n} 张图）",
    "magics.login.app_id": "悠船应用 ID（不显示）：",
    "magics.login.secret": "悠船密钥（不显示）：",
    "magics.login.no_input": (
        "登录需要能输入内容的前端；请改为在环境变量中设置 YOUCHUAN_APP_ID 和 YOUCHUAN_SECRET"
    ),
    "magics.login.cancelled": "已取消登录：应用 ID 和密钥都需要填写",
    "magics.login.done": "正在以 {app} 使用悠船服务（{url}）",
    "magics.use.sim": "正在使用内置模拟器",
    "magics.use.real": "正在以 {app} 使用悠船服务",
    "magics.use.no_credentials": (
        "没有凭据：请设置 YOUCHUAN_APP_ID 和 YOUCHUAN_SECRET，或运行 %youchuan login"
    ),
    "config.word.choices": "可选值",
    "config.word.current": "当前值",
    "config.word.default": "默认值",
    "settings.cache_dir": "下载结果的文件夹（默认：用户数据文件夹）。",
    "settings.confirm_above": (
        "排列组合单元格（如 a {red, blue} car）生成的任务数超过此值时，不发送任何任务，"
        "直到加 --yes 重新运行。"
    ),
    "settings.default_flags": "提示词中未设置时自动添加的参数（服务自身的默认模型是 6.1）。",
    "settings.image_host": (
        "本地图片上传到哪里（client.upload）：simulator、s3（YOUCHUAN_S3_*）或 none；"
        "留空：取 YOUCHUAN_IMAGE_HOST，否则在使用模拟器时用模拟器。"
    ),
    "settings.language": (
        "卡片和消息的语言：zh（简体中文）或 en；留空：取 YOUCHUAN_NB_LANG，否则取系统区域设置。"
        "新的输出立即切换。"
    ),
    "settings.max_concurrent": "同时进行的任务数；0 表示询问服务（在创建客户端时读取）。",
    "settings.max_poll_interval": "两次查询任务之间的最长间隔，秒（在创建客户端时读取）。",
    "settings.poll_interval": "两次查询任务之间的最短间隔，秒。",
    "settings.rules": (
        "documented：只有官方文档中的规则会在本地拒绝请求（其他规则只提醒一次，由服务决定）；"
        "strict：次要来源的规则也会拒绝。"
    ),
    "settings.thumbnail_size": "卡片缩略图的长边，像素。",
    "settings.timeout": "阻塞的单元格等待其任务的秒数。",
    "settings.wait": (
        "auto：在交互式笔记本中单元格立即返回，无界面运行时阻塞；always：总是阻塞；never：从"
        "不阻塞。"
    ),
    "magics.load.simulator": (
        "youchuan_nb：未找到凭据，正在使用内置模拟器（要使用真实服务，请设置 YOUCHUAN_APP_ID "
        "和 YOUCHUAN_SECRET，或运行 %youchuan login）。模拟器在第一个任务时启动。"
        "%youchuan help 列出所有命令。"
    ),
    "magics.load.missing": (
        "youchuan_nb：缺少凭据：请设置 {missing}（或运行 %youchuan login）。"
        "%youchuan help 列出所有命令。"
    ),
    "magics.load.and": " 和 ",
    "magics.load.service": (
        "youchuan_nb：正在以 {app}{where}使用悠船服务。%youchuan help 列出所有命令。"
    ),
    "magics.load.at": "（地址 {url}）",
    "magics.load.store_unchecked": "youchuan_nb：无法检查任务库：{error}",
}
