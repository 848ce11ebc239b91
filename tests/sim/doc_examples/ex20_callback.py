# youchuan-open-api.zh.txt line 2658: the document's example, unchanged
import requests

url = "https://ali.youchuan.cn/v1/tob/callback"
headers = {
    "x-youchuan-app": "YOUR_APP_ID",
    "x-youchuan-secret": "YOUR_SECRET_KEY"
}
data = {
    "jobId": "12345"
}

response = requests.post(url, headers=headers, json=data)
print(response.json())
