"""The client's texts: what each error says and advises, a failed job's words, a batch's
progress. Errors keep language-neutral attributes (status, reason, comment, path) beside them."""

EN: dict[str, str] = {
    # -- a refused request: what it means and what to do, by the service's reason --------------
    "client.meaning.Internal_Server_Error": "internal error on the service",
    "client.meaning.Invalid_Argument": "invalid parameter",
    "client.meaning.Permission_Denied": "no permission",
    "client.meaning.Server_Busy": "the service is busy",
    "client.meaning.Request_Timout": "the request timed out on the service",
    "client.meaning.Invalid_App_Identifier": "invalid app identity",
    "client.meaning.Invalid_Prompt_Parameter": "invalid prompt",
    "client.meaning.No_More_Relax_Credit": "relax-mode credit used up",
    "client.meaning.Relax_Not_Allow": "the plan has no relax mode",
    "client.meaning.Max_Concurrent_Limited": "the plan's maximum concurrency is reached",
    "client.meaning.Account_Fee_Not_Enough": "the balance is too low",
    "client.meaning.Cancel_Job_Not_Runnig": "cannot cancel a job that is not running",
    "client.meaning.Job_ReUpscale_Not_Support": "an upscaled image cannot be upscaled again",
    "client.meaning.Msg_Sensitive": "the prompt contains sensitive words",
    "client.meaning.Upscale_Not_Support": "an upscale job does not support this operation",
    "client.meaning.Not_Support": "operation not supported for this job",
    "client.meaning.No_Avaliable_Plan": "no valid plan",
    "client.meaning.Not_Found": "not found",
    "client.advice.Internal_Server_Error": (
        "Try again later. A job-creating call is not retried automatically after a 500, "
        "because the service may have created (and billed) the job; check client.history() or "
        "the costs before submitting again."
    ),
    "client.advice.Invalid_Argument": (
        "Check the parameter named in the message against the API's allowed values."
    ),
    "client.advice.Permission_Denied": "Your plan or app does not allow this operation.",
    "client.advice.Server_Busy": "Wait a little and try again.",
    "client.advice.Request_Timout": "Wait a little and try again.",
    "client.advice.Invalid_App_Identifier": (
        "Set YOUCHUAN_APP_ID and YOUCHUAN_SECRET (or pass app_id= and secret= to Client, or "
        "run %youchuan login) with the credentials from the Youchuan console."
    ),
    "client.advice.Invalid_Prompt_Parameter": (
        "Fix the prompt's flags (see the message); flags go at the end as --name value."
    ),
    "client.advice.No_More_Relax_Credit": (
        "Relax credit is used up: use fast mode or wait for the credit to renew."
    ),
    "client.advice.Relax_Not_Allow": (
        "Remove --relax from the prompt; this plan only runs fast jobs."
    ),
    "client.advice.Max_Concurrent_Limited": (
        "Wait for a running job to finish; your plan limits how many jobs run at once "
        "(youchuan_nb queues jobs locally to stay within it)."
    ),
    "client.advice.Account_Fee_Not_Enough": (
        "Top up the account balance in the Youchuan console, then submit again."
    ),
    "client.advice.Cancel_Job_Not_Runnig": "The job already ended.",
    "client.advice.Job_ReUpscale_Not_Support": "Upscale an image of the original grid instead.",
    "client.advice.Msg_Sensitive": "Rephrase the prompt without the refused words.",
    "client.advice.Upscale_Not_Support": "Use the original grid job for this operation.",
    "client.advice.Not_Support": "See the message for which operations this job allows.",
    "client.advice.No_Avaliable_Plan": "Subscribe to a plan in the Youchuan console.",
    "client.advice.Not_Found": "Check the id.",
    "client.advice.server": "The service had a problem; try again later.",
    "client.advice.check": "Check the request.",
    "client.advice.redirect": (
        "Check YOUCHUAN_BASE_URL (or base_url=): it should be the service's own URL."
    ),
    # -- the errors' messages -----------------------------------------------------------------
    "client.err.missing_credentials": (
        "missing credentials: set {missing} (or pass app_id= and secret= to Client, or run "
        "%youchuan login in a notebook)"
    ),
    "client.err.and": " and ",
    "client.warn.cleartext": (
        "youchuan_nb: {url} is plain http:// to another machine, so your secret travels "
        "unencrypted with every request: use the service's https:// address"
    ),
    "client.err.no_simulator": "no built-in simulator is available in this process",
    "client.err.unreadable": (
        "the service answered in a shape youchuan_nb cannot read ({why}): {answer}"
    ),
    "client.why.not_object": "not a JSON object",
    "client.why.no_id": "no job id",
    "client.why.no_status": "no status the reader knows",
    "client.err.shown": "{meaning} ({message})",
    "client.err.local": (
        "{op}: {shown} (checked locally, nothing was sent; the service would answer {status} "
        "{reason})"
    ),
    "client.err.this_operation": "this operation",
    "client.err.api": "{status} {reason}{where}: {shown}. {advice}",
    "client.err.error": "error",
    "client.err.redirect": (
        "the service answered with a redirect to {location} ({where}); API calls do not follow "
        "redirects, so the credentials are sent only to {base}"
    ),
    "client.err.redirect_same": "another address of the same service",
    "client.err.redirect_other": "another address",
    "client.err.no_location": "(no Location)",
    "client.err.redirect_full": "{status} redirect ({method} {path}): {message}. {advice}",
    "client.err.capture": " The answer is saved in {capture}; please attach it to a bug report.",
    "client.err.maybe_created": (
        " The request may have reached the service, so it was not retried (a retry could "
        "create and bill a second job): check client.history() or %youchuan costs before "
        "submitting again."
    ),
    "client.err.network": " Check the network and YOUCHUAN_BASE_URL, then try again.",
    "client.err.connection": "{method} {path}: {message}.{hint}",
    "client.err.job_failed": "job {id} failed: {words}{comment}",
    "client.err.job_failed_comment": " ({comment})",
    "client.err.failed": "failed",
    "client.err.job_timeout": (
        "job {id} did not finish within {timeout} s (status {status}); it is still tracked: "
        "call job.wait() again or look it up later with client.job(id)"
    ),
    "client.err.download": "job {id}: none of its outputs could be saved: {problems}",
    "client.err.no_outputs": "no outputs",
    "client.err.store": (
        "the job store at {path} cannot be {what}: {problem}. Move or repair that file, set "
        "YOUCHUAN_NB_HOME to another folder, or pass store=False to Client (no local job "
        "history)"
    ),
    "client.err.store.opened": "opened",
    "client.err.store.read": "read",
    "client.err.store.written": "written",
    # -- why no answer came (the middle of an APIConnectionError) --------------------------------
    "client.net.large_declared": "the answer is {size} bytes, over the limit of {limit}",
    "client.net.incomplete": "the answer did not arrive completely in time",
    "client.net.large": "the answer is over the limit of {limit} bytes",
    "client.net.stopped": "the answer stopped arriving (read timeout)",
    "client.net.cut": "the answer was cut off ({error})",
    "client.net.no_headers": "the answer's headers did not arrive in time",
    "client.net.failed": "the request failed ({error})",
    "client.net.connect_timeout": "could not connect in time",
    "client.net.not_made": "the request could not be made ({error})",
    "client.net.refused": "connection refused (is the service or simulator running?)",
    "client.net.dropped": "the connection was dropped before an answer arrived",
    "client.net.timeout": "no answer within {timeout} s",
    "client.net.connection_failed": "connection failed ({error})",
    # -- a failed job's comment: what to do (the card's advice.comment.* says the rest) ---------
    "client.comment_advice.other": "You can submit it again.",
    # -- a batch ----------------------------------------------------------------------------------
    "client.batch.bad_prompts": (
        "{n} of the batch's prompts cannot be sent (nothing was sent; fix them and run the "
        "batch again):"
    ),
    "client.batch.bad_prompt": "  prompt {i}: {problem}",
    "client.batch.progress": (
        "{total} prompts: {done} finished, {failed} failed or refused, {running} running, "
        "{waiting} waiting"
    ),
}

ZH: dict[str, str] = {
    "client.meaning.Internal_Server_Error": "服务内部错误",
    "client.meaning.Invalid_Argument": "参数无效",
    "client.meaning.Permission_Denied": "没有权限",
    "client.meaning.Server_Busy": "服务繁忙",
    "client.meaning.Request_Timout": "请求在服务端超时",
    "client.meaning.Invalid_App_Identifier": "应用身份无效",
    "client.meaning.Invalid_Prompt_Parameter": "提示词无效",
    "client.meaning.No_More_Relax_Credit": "慢速模式额度已用完",
    "client.meaning.Relax_Not_Allow": "套餐不支持慢速模式",
    "client.meaning.Max_Concurrent_Limited": "已达到套餐的最大并发数",
    "client.meaning.Account_Fee_Not_Enough": "余额不足",
    "client.meaning.Cancel_Job_Not_Runnig": "任务不在运行中，无法取消",
    "client.meaning.Job_ReUpscale_Not_Support": "已放大的图片不能再次放大",
    "client.meaning.Msg_Sensitive": "提示词包含敏感词",
    "client.meaning.Upscale_Not_Support": "放大任务不支持此操作",
    "client.meaning.Not_Support": "此任务不支持该操作",
    "client.meaning.No_Avaliable_Plan": "没有有效的套餐",
    "client.meaning.Not_Found": "未找到",
    "client.advice.Internal_Server_Error": (
        "请稍后再试。创建任务的请求在 500 之后不会自动重试，因为服务可能已经创建（并计费）了任务；"
        "再次提交前请先查看 client.history() 或消费记录。"
    ),
    "client.advice.Invalid_Argument": "请对照接口允许的取值检查消息中提到的参数。",
    "client.advice.Permission_Denied": "你的套餐或应用不允许此操作。",
    "client.advice.Server_Busy": "请稍等片刻再试。",
    "client.advice.Request_Timout": "请稍等片刻再试。",
    "client.advice.Invalid_App_Identifier": (
        "请用悠船控制台中的凭据设置 YOUCHUAN_APP_ID 和 YOUCHUAN_SECRET"
        "（或向 Client 传入 app_id= 和 secret=，或运行 %youchuan login）。"
    ),
    "client.advice.Invalid_Prompt_Parameter": (
        "请修正提示词的参数（见消息）；参数写在末尾，格式为 --名称 值。"
    ),
    "client.advice.No_More_Relax_Credit": "慢速额度已用完：请改用快速模式，或等待额度恢复。",
    "client.advice.Relax_Not_Allow": "请从提示词中去掉 --relax；此套餐只能运行快速任务。",
    "client.advice.Max_Concurrent_Limited": (
        "请等待运行中的任务结束；你的套餐限制了同时运行的任务数"
        "（youchuan_nb 会在本地排队以不超过它）。"
    ),
    "client.advice.Account_Fee_Not_Enough": "请在悠船控制台为账户充值，然后重新提交。",
    "client.advice.Cancel_Job_Not_Runnig": "任务已经结束。",
    "client.advice.Job_ReUpscale_Not_Support": "请改为放大原始四宫格中的图片。",
    "client.advice.Msg_Sensitive": "请换一种说法，去掉被拒绝的词。",
    "client.advice.Upscale_Not_Support": "请对原始四宫格任务执行此操作。",
    "client.advice.Not_Support": "此任务允许哪些操作，请见消息。",
    "client.advice.No_Avaliable_Plan": "请在悠船控制台订阅套餐。",
    "client.advice.Not_Found": "请检查 ID。",
    "client.advice.server": "服务出了问题；请稍后再试。",
    "client.advice.check": "请检查请求。",
    "client.advice.redirect": "请检查 YOUCHUAN_BASE_URL（或 base_url=）：它应是服务自己的地址。",
    "client.err.missing_credentials": (
        "缺少凭据：请设置 {missing}（或向 Client 传入 app_id= 和 secret=，"
        "或在笔记本中运行 %youchuan login）"
    ),
    "client.err.and": " 和 ",
    "client.warn.cleartext": (
        "youchuan_nb：{url} 是发往另一台机器的明文 http:// 地址，每次请求都会未加密地发送你的密钥："
        "请使用服务的 https:// 地址"
    ),
    "client.err.no_simulator": "此进程中没有可用的内置模拟器",
    "client.err.unreadable": "服务的应答格式 youchuan_nb 无法读取（{why}）：{answer}",
    "client.why.not_object": "不是 JSON 对象",
    "client.why.no_id": "没有任务 ID",
    "client.why.no_status": "没有可识别的状态",
    "client.err.shown": "{meaning}（{message}）",
    "client.err.local": (
        "{op}：{shown}（已在本地检查，没有发送任何内容；服务会应答 {status} {reason}）"
    ),
    "client.err.this_operation": "此操作",
    "client.err.api": "{status} {reason}{where}：{shown}。{advice}",
    "client.err.error": "出错",
    "client.err.redirect": (
        "服务应答了一个重定向，指向 {location}（{where}）；接口调用不跟随重定向，"
        "因此凭据只发送给 {base}"
    ),
    "client.err.redirect_same": "同一服务的另一个地址",
    "client.err.redirect_other": "另一个地址",
    "client.err.no_location": "（没有 Location）",
    "client.err.redirect_full": "{status} 重定向（{method} {path}）：{message}。{advice}",
    "client.err.capture": " 应答已保存在 {capture}；请把它附在问题报告中。",
    "client.err.maybe_created": (
        " 请求可能已到达服务，因此没有重试（重试可能创建并计费第二个任务）："
        "再次提交前请先查看 client.history() 或 %youchuan costs。"
    ),
    "client.err.network": " 请检查网络和 YOUCHUAN_BASE_URL，然后重试。",
    "client.err.connection": "{method} {path}：{message}。{hint}",
    "client.err.job_failed": "任务 {id} 失败：{words}{comment}",
    "client.err.job_failed_comment": "（{comment}）",
    "client.err.failed": "失败",
    "client.err.job_timeout": (
        "任务 {id} 没有在 {timeout} 秒内完成（状态 {status}）；它仍在跟踪中："
        "可再次调用 job.wait()，或稍后用 client.job(id) 查询"
    ),
    "client.err.download": "任务 {id}：没有一个结果能保存：{problems}",
    "client.err.no_outputs": "没有结果",
    "client.err.store": (
        "位于 {path} 的任务库无法{what}：{problem}。请移走或修复该文件，"
        "把 YOUCHUAN_NB_HOME 设为另一个文件夹，或向 Client 传入 store=False（不保存本地任务记录）"
    ),
    "client.err.store.opened": "打开",
    "client.err.store.read": "读取",
    "client.err.store.written": "写入",
    "client.net.large_declared": "应答有 {size} 字节，超过了上限 {limit}",
    "client.net.incomplete": "应答没有及时完整到达",
    "client.net.large": "应答超过了 {limit} 字节的上限",
    "client.net.stopped": "应答中途停止（读取超时）",
    "client.net.cut": "应答被截断（{error}）",
    "client.net.no_headers": "应答头没有及时到达",
    "client.net.failed": "请求失败（{error}）",
    "client.net.connect_timeout": "未能及时连接",
    "client.net.not_made": "无法发出请求（{error}）",
    "client.net.refused": "连接被拒绝（服务或模拟器是否在运行？）",
    "client.net.dropped": "应答到达前连接已断开",
    "client.net.timeout": "{timeout} 秒内没有应答",
    "client.net.connection_failed": "连接失败（{error}）",
    "client.comment_advice.other": "可以重新提交。",
    "client.batch.bad_prompts": (
        "批量任务中有 {n} 个提示词无法发送（没有发送任何内容；请修正后重新运行批量任务）："
    ),
    "client.batch.bad_prompt": "  提示词 {i}：{problem}",
    "client.batch.progress": (
        "{total} 个提示词：{done} 个已完成，{failed} 个失败或被拒绝，{running} 个运行中，"
        "{waiting} 个等待中"
    ),
}
