#!/usr/bin/env python3
"""Walk every guest of a Tallyfy organization with the official Python SDK
(PyPI `tallyfy` 3.1.0), using only its public API.

Usage: python3 py_sdk_walk.py BASE ORG TOKEN [PER_PAGE]
  BASE      API base URL, such as http://127.0.0.1:PORT/api (the fake)
  ORG       organization id
  TOKEN     bearer access token
  PER_PAGE  page size (default 100)

The last line on stdout is the number of guests walked.

Notes on the SDK (tallyfy 3.1.0):
  * TallyfySDK(api_key=..., base_url=...) is a documented constructor argument;
    every endpoint is joined onto base_url, so BASE must include the "/api" prefix.
  * sdk.users.get_organization_guests(org_id, with_stats=False, page=1, per_page=100)
    (tallyfy/user_management/retrieval.py) makes ONE request and returns ONE page
    as a GuestsList (.data: list[Guest], .meta: PaginationMeta or None).
    It does not walk pages, so we loop ourselves and stop at meta.total_pages.
  * The top-level shortcut sdk.get_organization_guests(org_id, with_stats) in
    core.py does NOT accept page/per_page (always page 1, 100 per page),
    so it cannot be used to paginate.
"""
import sys

from tallyfy import TallyfySDK


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    base, org, token = sys.argv[1], sys.argv[2], sys.argv[3]
    per_page = int(sys.argv[4]) if len(sys.argv) == 5 else 100

    total = 0
    pages = 0
    reported_total = None
    with TallyfySDK(api_key=token, base_url=base) as sdk:
        page = 1
        while True:
            guests = sdk.users.get_organization_guests(org, page=page, per_page=per_page)
            pages += 1
            total += len(guests.data)
            meta = guests.meta  # PaginationMeta parsed from meta.pagination, or None
            if meta is None:
                break  # no pagination block: the answer was the whole set
            reported_total = meta.total
            # Stop by the server's own page count, not by our arithmetic; the
            # empty-page check guards against a server that misreports total_pages.
            if page >= meta.total_pages or not guests.data:
                break
            page += 1

    print(f"pages={pages} reported_total={reported_total}", file=sys.stderr)
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
