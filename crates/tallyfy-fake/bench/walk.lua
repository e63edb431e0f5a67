-- wrk: walks the guest list a page per request (PAGES pages of PER_PAGE), with the bench token.
-- Each request a different page: 1, 2, ..., PAGES, then again from 1.
local pages = tonumber(os.getenv("PAGES"))
local per_page = os.getenv("PER_PAGE")
local n = 0
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.headers["X-Tallyfy-Client"] = "APIClient"
request = function()
  n = n % pages + 1
  return wrk.format("GET", "/api/organizations/bench-org/guests?per_page=" .. per_page .. "&page=" .. n)
end
