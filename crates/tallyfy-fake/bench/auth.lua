-- wrk: the fake's bench token and client header on every request.
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.headers["X-Tallyfy-Client"] = "APIClient"
