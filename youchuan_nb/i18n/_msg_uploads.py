"""Texts of the user's own pictures: ``client.upload``, the image hosts, local paths in magics."""

EN: dict[str, str] = {
    "uploads.name.bytes": "the picture given as bytes ({n} bytes)",
    "uploads.name.array": "the picture given as an array ({shape})",
    "uploads.name.pil": "the PIL image",
    "uploads.bad_type": (
        "a picture must be a file path, a pathlib.Path, a PIL image, a NumPy array or bytes, "
        "not {kind}"
    ),
    "uploads.bad_array": "{name} is not an image array ({why}): give H x W or H x W x 3/4 uint8",
    "uploads.url_not_file": (
        "{name} is a URL, not a local picture: pass the URL itself where a URL is taken "
        "(nothing needs uploading)"
    ),
    "uploads.no_file": "{name}: no such file (check the path; it is relative to {cwd})",
    "uploads.unreadable": "{name} cannot be read ({why}): check the file's permissions",
    "uploads.file_too_large": (
        "{name} is over {mb} MB: that is not a picture to send; pick a smaller file"
    ),
    "uploads.too_many_pixels": (
        "{name} has {w} x {h} pixels, too many to open safely: resize it first"
    ),
    "uploads.not_image": (
        "{name} is not a picture Pillow can read: use a JPEG, PNG or WebP (or GIF, BMP, TIFF: "
        "they are converted)"
    ),
    "uploads.corrupt": "{name} is a damaged or incomplete image ({why}): save it again and retry",
    "uploads.too_large": (
        "{name} is still {size} MB after resizing to {side} px, over the {limit} MB limit: "
        "resize or compress it (or raise YOUCHUAN_UPLOAD_MAX_BYTES)"
    ),
    "uploads.url_or_file": (
        "an http:// or https:// URL, or the path of an existing picture file on this machine "
        "(a picture as bytes, a PIL image or an array works too: it is uploaded, see "
        "client.upload)"
    ),
    "uploads.no_host": (
        "{name} is a local picture, but no image host is configured, so nothing was sent: set "
        "YOUCHUAN_IMAGE_HOST=s3 with YOUCHUAN_S3_BUCKET (and YOUCHUAN_S3_ENDPOINT for OSS, COS, "
        'R2 or MinIO), or pass Client(image_host=...) (see the README, "Your own pictures")'
    ),
    "uploads.simulator_only": (
        "image_host='simulator' works only with the built-in simulator; for the real service "
        "use 's3' or a function of your own"
    ),
    "uploads.bad_host": (
        "image_host={value} is not a host: use 'simulator', 's3', 'none', an ImageHost or a "
        "function picture -> URL"
    ),
    "uploads.sim_failed": "the simulator did not take {name} ({why}): is it still running?",
    "uploads.s3_no_bucket": "the S3 image host needs a bucket: set YOUCHUAN_S3_BUCKET",
    "uploads.s3_bad_endpoint": "YOUCHUAN_S3_ENDPOINT={url!r} is not an http(s) URL",
    "uploads.s3_bad_lifetime": "YOUCHUAN_S3_URL_LIFETIME={value!r} is not a number of seconds",
    "uploads.s3_no_boto3": (
        "the S3 image host needs boto3: pip install 'youchuan_nb[s3]' (then restart the kernel)"
    ),
    "uploads.s3_refused": "bucket {bucket} refused {name}: {code} {msg}",
    "uploads.s3_hint": (
        "Check the bucket name, YOUCHUAN_S3_ENDPOINT and that the key may write "
        "to it; nothing was submitted."
    ),
    "uploads.s3_hint_expired": (
        "The credentials have expired: renew AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
        "(or AWS_SESSION_TOKEN); nothing was submitted."
    ),
    "uploads.s3_failed": (
        "{name} could not be uploaded to bucket {bucket} ({why}); check AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY and YOUCHUAN_S3_ENDPOINT; nothing was submitted"
    ),
    "uploads.callable_failed": "your image host failed on {name} ({why}); nothing was submitted",
    "uploads.callable_not_url": (
        "your image host returned {got} for {name}, not an http(s) URL; nothing was submitted"
    ),
    "uploads.in_prompt": "{prog}: {problem}",
    "uploads.input_title": "input picture: {name}",
    "uploads.studio.image": "Image prompt",
    "uploads.studio.image.tooltip": "A picture of yours at the start of the prompt",
    "uploads.studio.sref": "Style (--sref)",
    "uploads.studio.sref.tooltip": "A picture of yours as the style reference",
    "uploads.studio.oref": "Object (--oref)",
    "uploads.studio.oref.tooltip": "A picture of yours as the object reference (models 7, 8.1)",
    "uploads.studio.clear": "Clear pictures",
    "drop.js.hint": "Or drop a picture on:",
    "drop.js.image": "Image prompt",
    "drop.js.image.tooltip": "Drop a picture here: it goes at the start of the prompt",
    "drop.js.sref": "Style (--sref)",
    "drop.js.sref.tooltip": "Drop a picture here: it is the style reference",
    "drop.js.oref": "Object (--oref)",
    "drop.js.oref.tooltip": "Drop a picture here: it is the object reference (models 7, 8.1)",
    "drop.js.no_file": "Nothing to take: drop a picture file from your computer",
    "drop.js.too_big": (
        "{name} is {mb} MB, too large to send to the kernel (10 MB at most) and not a picture "
        "this browser can make smaller: give its path in an %%imagine cell"
    ),
    "drop.js.sending": "Sending {name}…",
    "drop.js.shrunk": "{name} is over 10 MB: sending it made smaller…",
}

ZH: dict[str, str] = {
    "uploads.name.bytes": "以字节给出的图片（{n} 字节）",
    "uploads.name.array": "以数组给出的图片（{shape}）",
    "uploads.name.pil": "这张 PIL 图片",
    "uploads.bad_type": "图片须是文件路径、pathlib.Path、PIL 图片、NumPy 数组或字节，而不是 {kind}",
    "uploads.bad_array": "{name} 不是图片数组（{why}）：请给 H x W 或 H x W x 3/4 的 uint8 数组",
    "uploads.url_not_file": (
        "{name} 是网址，不是本地图片：在接受网址的地方直接传入该网址即可（无需上传）"
    ),
    "uploads.no_file": "{name}：没有这个文件（请检查路径；相对于 {cwd}）",
    "uploads.unreadable": "无法读取 {name}（{why}）：请检查文件权限",
    "uploads.file_too_large": "{name} 超过 {mb} MB，不像是要发送的图片：请换一个较小的文件",
    "uploads.too_many_pixels": "{name} 有 {w} x {h} 像素，太多，无法安全打开：请先缩小",
    "uploads.not_image": (
        "{name} 不是 Pillow 能读取的图片：请用 JPEG、PNG 或 WebP（GIF、BMP、TIFF 会被转换）"
    ),
    "uploads.corrupt": "{name} 是损坏或不完整的图片（{why}）：请重新保存后再试",
    "uploads.too_large": (
        "{name} 缩小到 {side} 像素后仍有 {size} MB，超过 {limit} MB 的上限：请缩小或压缩"
        "（或调高 YOUCHUAN_UPLOAD_MAX_BYTES）"
    ),
    "uploads.url_or_file": (
        "http:// 或 https:// 网址，或本机已有图片文件的路径（字节、PIL 图片或数组也可以："
        "会先上传，见 client.upload）"
    ),
    "uploads.no_host": (
        "{name} 是本地图片，但没有配置图片托管，因此什么也没有发送：请设置 YOUCHUAN_IMAGE_HOST=s3 "
        "和 YOUCHUAN_S3_BUCKET（OSS、COS、R2 或 MinIO 还需 YOUCHUAN_S3_ENDPOINT），"
        "或传入 Client(image_host=...)（见 README 的“Your own pictures”）"
    ),
    "uploads.simulator_only": (
        "image_host='simulator' 只能用于内置模拟器；真实服务请用 's3' 或你自己的函数"
    ),
    "uploads.bad_host": (
        "image_host={value} 不是图片托管：请用 'simulator'、's3'、'none'、ImageHost "
        "或一个“图片 -> 网址”的函数"
    ),
    "uploads.sim_failed": "模拟器没有接收 {name}（{why}）：它还在运行吗？",
    "uploads.s3_no_bucket": "S3 图片托管需要存储桶：请设置 YOUCHUAN_S3_BUCKET",
    "uploads.s3_bad_endpoint": "YOUCHUAN_S3_ENDPOINT={url!r} 不是 http(s) 网址",
    "uploads.s3_bad_lifetime": "YOUCHUAN_S3_URL_LIFETIME={value!r} 不是秒数",
    "uploads.s3_no_boto3": "S3 图片托管需要 boto3：pip install 'youchuan_nb[s3]'（然后重启内核）",
    "uploads.s3_refused": "存储桶 {bucket} 拒绝了 {name}：{code} {msg}",
    "uploads.s3_hint": (
        "请检查存储桶名称、YOUCHUAN_S3_ENDPOINT 以及密钥是否有写入权限；没有提交任何任务。"
    ),
    "uploads.s3_hint_expired": (
        "凭证已过期：请更新 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY（或 AWS_SESSION_TOKEN）"
        "；没有提交任何任务。"
    ),
    "uploads.s3_failed": (
        "{name} 无法上传到存储桶 {bucket}（{why}）；请检查 AWS_ACCESS_KEY_ID、"
        "AWS_SECRET_ACCESS_KEY 和 YOUCHUAN_S3_ENDPOINT；没有提交任何任务"
    ),
    "uploads.callable_failed": "你的图片托管处理 {name} 时出错（{why}）；没有提交任何任务",
    "uploads.callable_not_url": (
        "你的图片托管为 {name} 返回了 {got}，不是 http(s) 网址；没有提交任何任务"
    ),
    "uploads.in_prompt": "{prog}：{problem}",
    "uploads.input_title": "输入图片：{name}",
    "uploads.studio.image": "图片提示",
    "uploads.studio.image.tooltip": "把你的图片放在提示词开头",
    "uploads.studio.sref": "风格参考（--sref）",
    "uploads.studio.sref.tooltip": "用你的图片作为风格参考",
    "uploads.studio.oref": "对象参考（--oref）",
    "uploads.studio.oref.tooltip": "用你的图片作为对象参考（模型 7、8.1）",
    "uploads.studio.clear": "清除图片",
    "drop.js.hint": "或把图片拖放到：",
    "drop.js.image": "图片提示",
    "drop.js.image.tooltip": "把图片拖放到这里：放在提示词开头",
    "drop.js.sref": "风格参考（--sref）",
    "drop.js.sref.tooltip": "把图片拖放到这里：作为风格参考",
    "drop.js.oref": "对象参考（--oref）",
    "drop.js.oref.tooltip": "把图片拖放到这里：作为对象参考（模型 7、8.1）",
    "drop.js.no_file": "没有可用的文件：请从电脑拖放一个图片文件",
    "drop.js.too_big": (
        "{name} 有 {mb} MB，太大，无法发送给内核（最多 10 MB），浏览器也无法把它缩小："
        "请在 %%imagine 单元格里写它的路径"
    ),
    "drop.js.sending": "正在发送 {name}…",
    "drop.js.shrunk": "{name} 超过 10 MB：缩小后发送…",
}
