"""The baseline for the CLI's wall-time benchmark: the `requests` code from Tallyfy's documented
list-guests sample, with the page loop a caller has to add around it (walk until total_pages).

Reads TALLYFY_BASE_URL, TALLYFY_ACCESS_TOKEN and TALLYFY_ORG_ID; prints the number of guests seen.
"""
import os
import sys

import requests

base = os.environ["TALLYFY_BASE_URL"]
headers = {
    "Authorization": f"Bearer {os.environ['TALLYFY_ACCESS_TOKEN']}",
    "Accept": "application/json",
    "X-Tallyfy-Client": "APIClient",
}
url = f"{base}/organizations/{os.environ['TALLYFY_ORG_ID']}/guests"
per_page = int(sys.argv[1]) if len(sys.argv) > 1 else 100

seen = 0
page = 1
with requests.Session() as session:
    while True:
        response = session.get(url, headers=headers, params={"page": page, "per_page": per_page})
        response.raise_for_status()
        body = response.json()
        seen += len(body["data"])
        pagination = body.get("meta", {}).get("pagination", {})
        if not body["data"] or page >= pagination.get("total_pages", 0):
            break
        page += 1
print(seen)
