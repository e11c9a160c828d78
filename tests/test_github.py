"""govcheck.integrations.github against a real HTTP server on 127.0.0.1 serving recorded-style responses."""
from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from recorded_api import RecordedApi, Reply, serve

from govcheck.errors import GovcheckError
from govcheck.integrations.github import (
    Limits,
    Review,
    environment_reviews,
    fetch_reviews,
    latest_approvals,
    load_reviews_file,
    pull_request_head_sha,
    pull_request_number,
)

TOKEN = "ghs_test_token_do_not_print"
HEAD = "c0ffee" + "0" * 34
OLD = "bada55" + "0" * 34
REVIEWS_PATH = "/repos/acme/ecosystem/pulls/7/reviews"


def review_json(review_id: int, login: str | None, state: str, commit: str = HEAD,
                submitted_at: str | None = "2026-05-01T10:00:00Z") -> dict[str, Any]:
    """A review as `GET /repos/{owner}/{repo}/pulls/{n}/reviews` returns it."""
    user = None if login is None else {"login": login, "id": review_id * 10, "type": "User",
                                       "site_admin": False}
    return {"id": review_id, "node_id": f"PRR_{review_id}", "user": user, "body": "",
            "state": state, "author_association": "MEMBER",
            "html_url": f"https://github.com/acme/ecosystem/pull/7#pullrequestreview-{review_id}",
            "pull_request_url": "https://api.github.com/repos/acme/ecosystem/pulls/7",
            "submitted_at": submitted_at, "commit_id": commit}


# -- a recorded API ------------------------------------------------------------------------

@pytest.fixture
def api() -> Iterator[RecordedApi]:
    yield from serve()


@pytest.fixture
def other_host() -> Iterator[RecordedApi]:
    yield from serve()


def page_url(api: RecordedApi, page: int) -> str:
    return f"{api.url}{REVIEWS_PATH}?per_page=100&page={page}"


# Short waits, so that retries and timeouts cost the suite little time.
QUICK = Limits(request=5.0, total=10.0, retries=2, backoff=0.01)
FIRST_PAGE = f"{REVIEWS_PATH}?per_page=100"


def fetch(api: RecordedApi, token: str | None = TOKEN, limits: Limits = QUICK) -> list[Review]:
    return fetch_reviews(api.url, "acme/ecosystem", 7, token, limits)


def failure(api: RecordedApi, reply: Reply | list[Reply], limits: Limits = QUICK) -> str:
    api.replies[FIRST_PAGE] = reply
    with pytest.raises(GovcheckError) as raised:
        fetch(api, limits=limits)
    message = str(raised.value)
    assert TOKEN not in message
    return message


# -- the REST API --------------------------------------------------------------------------

def test_reviews_are_read_across_three_pages_following_link_headers(api: RecordedApi) -> None:
    first, last = f'<{page_url(api, 1)}>; rel="first"', f'<{page_url(api, 3)}>; rel="last"'
    api.replies[f"{REVIEWS_PATH}?per_page=100"] = Reply(
        body=[review_json(1, "alice", "COMMENTED"), review_json(2, "bob", "APPROVED")],
        headers={"Link": f'<{page_url(api, 2)}>; rel="next", {last}'})
    api.replies[f"{REVIEWS_PATH}?per_page=100&page=2"] = Reply(
        body=[review_json(3, "carol", "APPROVED")],
        headers={"Link": f'<{page_url(api, 1)}>; rel="prev", <{page_url(api, 3)}>; rel="next", '
                         f"{last}, {first}"})
    api.replies[f"{REVIEWS_PATH}?per_page=100&page=3"] = Reply(
        body=[review_json(4, "dave", "CHANGES_REQUESTED"), review_json(5, None, "APPROVED")],
        headers={"Link": f'<{page_url(api, 2)}>; rel="prev", {first}'})

    reviews = fetch(api)

    assert [(review.review_id, review.reviewer_login) for review in reviews] == [
        (1, "alice"), (2, "bob"), (3, "carol"), (4, "dave")]  # a deleted user cannot count
    assert reviews[1] == Review("bob", "APPROVED", HEAD, "2026-05-01T10:00:00Z", 2)
    assert [path for path, _ in api.requests] == [
        f"{REVIEWS_PATH}?per_page=100", f"{REVIEWS_PATH}?per_page=100&page=2",
        f"{REVIEWS_PATH}?per_page=100&page=3"]
    for _, headers in api.requests:
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["accept"] == "application/vnd.github+json"
        assert headers["x-github-api-version"] == "2022-11-28"


def test_without_a_token_no_authorization_header_is_sent(api: RecordedApi) -> None:
    api.replies[f"{REVIEWS_PATH}?per_page=100"] = Reply(body=[review_json(1, "a", "APPROVED")])
    assert len(fetch(api, token="")) == 1
    assert "authorization" not in api.requests[0][1]


def test_401_says_the_token_is_missing_or_invalid(api: RecordedApi) -> None:
    message = failure(api, Reply(401, {"message": "Bad credentials"}))
    assert message == ("GitHub rejected the request (HTTP 401: Bad credentials): GITHUB_TOKEN "
                       "is missing, expired or invalid")


def test_403_with_no_requests_left_is_a_rate_limit_with_its_reset_time(
        api: RecordedApi) -> None:
    reset = int(time.time()) + 600
    message = failure(api, Reply(403, {"message": "API rate limit exceeded"}, headers={
        "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(reset)}))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(reset))
    assert message.startswith("GitHub API rate limit reached (HTTP 403); it resets at "
                              f"{stamp} (in about 10 minutes)")


def test_429_with_retry_after_is_a_rate_limit(api: RecordedApi) -> None:
    message = failure(api, Reply(429, {"message": "secondary rate limit"},
                                 headers={"retry-after": "30"}))
    assert message == ("GitHub API rate limit reached (HTTP 429); retry after 30 seconds: "
                       "retry later, or pass the reviews with --reviews FILE")


def test_other_403_asks_for_the_pull_requests_read_permission(api: RecordedApi) -> None:
    message = failure(api, Reply(403, {"message": "Resource not accessible by integration"},
                                 headers={"x-ratelimit-remaining": "4999"}))
    assert message == ("GitHub refused to list the reviews of pull request #7 in "
                       "acme/ecosystem (HTTP 403: Resource not accessible by integration): "
                       "give the token the 'pull-requests: read' permission")


def test_404_names_the_pull_request(api: RecordedApi) -> None:
    message = failure(api, Reply(404, {"message": "Not Found"}))
    assert message.startswith("GitHub found no pull request #7 in acme/ecosystem (HTTP 404)")


def test_a_server_error_is_asked_twice_more_then_reported(api: RecordedApi) -> None:
    message = failure(api, Reply(502, b"<html>Bad gateway</html>"))
    assert message == ("GitHub had a server error (HTTP 502, 3 attempts): retry later, or pass "
                       "the reviews with --reviews FILE")
    assert len(api.requests) == 3


def test_a_passing_server_error_is_retried_away(api: RecordedApi) -> None:
    api.replies[FIRST_PAGE] = [Reply(502, b"<html>Bad gateway</html>"),
                               Reply(503, {"message": "Service Unavailable"}),
                               Reply(body=[review_json(1, "alice", "APPROVED")])]
    assert [review.reviewer_login for review in fetch(api)] == ["alice"]
    assert len(api.requests) == 3


@pytest.mark.parametrize("headers", [
    {"retry-after": "0"},                                           # secondary rate limit
    {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"},              # an HTTP date, passed
    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) - 5)},
], ids=["seconds", "http-date", "reset-passed"])
@pytest.mark.parametrize("status", [403, 429])
def test_a_rate_limit_that_has_passed_is_retried(api: RecordedApi, status: int,
                                                 headers: dict[str, str]) -> None:
    api.replies[FIRST_PAGE] = [Reply(status, {"message": "rate limit"}, headers=headers),
                               Reply(body=[review_json(1, "alice", "APPROVED")])]
    assert len(fetch(api)) == 1
    assert len(api.requests) == 2


def test_a_retry_after_beyond_the_run_bound_is_not_waited_for(api: RecordedApi) -> None:
    message = failure(api, Reply(403, {"message": "You have exceeded a secondary rate limit"},
                                 headers={"retry-after": "60"}))
    assert message == ("GitHub API rate limit reached (HTTP 403); retry after 60 seconds: "
                       "retry later, or pass the reviews with --reviews FILE")
    assert len(api.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(api: RecordedApi, status: int) -> None:
    failure(api, Reply(status, {"message": "no"}))
    assert len(api.requests) == 1


@pytest.mark.parametrize("reset", ["9" * 5000, "99999999999", "9" * 25, "²", "-1", "1e9"])
def test_a_rate_limit_reset_no_calendar_holds_is_left_out(api: RecordedApi,
                                                          reset: str) -> None:
    message = failure(api, Reply(403, {"message": "API rate limit exceeded"}, headers={
        "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}), limits=Limits(
            request=5.0, total=10.0, retries=0))
    assert message == ("GitHub API rate limit reached (HTTP 403): retry later, or pass the "
                       "reviews with --reviews FILE")


def test_a_slow_server_hits_the_timeout(api: RecordedApi) -> None:
    message = failure(api, Reply(body=[], delay=2.0), limits=Limits(request=0.3, total=10.0))
    assert message == (f"the GitHub API at {api.url} did not answer within 0.3 seconds: retry, "
                       "or pass the reviews with --reviews FILE")


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_a_server_that_drips_bytes_is_cut_off_at_the_request_bound(
        api: RecordedApi, drip_headers: bool) -> None:
    # A byte every 20 ms resets a per-read timeout forever; the bound is on the request.
    message = failure(api, Reply(body=[], drip=0.02, drip_headers=drip_headers),
                      limits=Limits(request=0.5, total=10.0))
    assert message == (f"the GitHub API at {api.url} did not answer within 0.5 seconds: retry, "
                       "or pass the reviews with --reviews FILE")


def test_the_whole_paginated_fetch_is_bounded(api: RecordedApi) -> None:
    # Each page is quick, but they never end before the run's bound.
    for page in range(1, 51):
        path = FIRST_PAGE if page == 1 else f"{FIRST_PAGE}&page={page}"
        api.replies[path] = Reply(body=[review_json(page, f"user{page}", "COMMENTED")],
                                  delay=0.05,
                                  headers={"Link": f'<{page_url(api, page + 1)}>; rel="next"'})
    with pytest.raises(GovcheckError) as raised:
        fetch(api, limits=Limits(request=5.0, total=0.5))
    assert str(raised.value) == (f"the GitHub API at {api.url} did not give the reviews of pull "
                                 "request #7 in acme/ecosystem within 0.5 seconds: retry, or "
                                 "pass the reviews with --reviews FILE")
    assert 1 < len(api.requests) < 50


def test_a_closed_port_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(GovcheckError, match="cannot reach the GitHub API at http://127.0.0.1"):
        fetch_reviews(f"http://127.0.0.1:{port}", "acme/ecosystem", 7, TOKEN, QUICK)


def test_an_answer_nested_too_deeply(api: RecordedApi) -> None:
    message = failure(api, Reply(body=b"[" * 100_000))
    assert message == "the GitHub API answered with JSON nested too deeply to be reviews"


def test_an_error_body_nested_too_deeply_still_gives_the_error(api: RecordedApi) -> None:
    message = failure(api, Reply(401, b'{"message": ' + b"[" * 100_000))
    assert message == ("GitHub rejected the request (HTTP 401): GITHUB_TOKEN is missing, "
                       "expired or invalid")


def test_an_answer_that_is_not_json(api: RecordedApi) -> None:
    assert "not JSON" in failure(api, Reply(body=b"<html>proxy login</html>"))


def test_an_answer_of_the_wrong_shape(api: RecordedApi) -> None:
    message = failure(api, Reply(body=[{"id": 1, "user": {"login": "a"}}]))
    assert message == "unexpected answer from the GitHub API: review 1 has no 'state'"


def test_the_token_never_travels_to_another_host(api: RecordedApi,
                                                 other_host: RecordedApi) -> None:
    elsewhere = f"{other_host.url}{REVIEWS_PATH}?per_page=100&page=2"
    api.replies[f"{REVIEWS_PATH}?per_page=100"] = Reply(
        body=[], headers={"Link": f'<{elsewhere}>; rel="next"'})

    with pytest.raises(GovcheckError, match="another host"):
        fetch(api)
    assert other_host.requests == []


def test_a_redirect_to_another_host_is_not_followed(api: RecordedApi,
                                                    other_host: RecordedApi) -> None:
    message = failure(api, Reply(301, b"", headers={
        "Location": f"{other_host.url}{REVIEWS_PATH}?per_page=100"}))
    assert "HTTP 301" in message
    assert other_host.requests == []


@pytest.mark.parametrize(("repository", "number", "message"), [
    ("acme", 7, "invalid GitHub repository 'acme'"),
    ("acme/eco/../x", 7, "invalid GitHub repository"),
    ("../..", 7, "invalid GitHub repository"),
    ("acme/ecosystem", 0, "invalid pull request number 0"),
])
def test_bad_coordinates_are_refused_before_any_request(api: RecordedApi, repository: str,
                                                        number: int, message: str) -> None:
    with pytest.raises(GovcheckError, match=message):
        fetch_reviews(api.url, repository, number, TOKEN)
    assert api.requests == []


def test_environment_reviews_in_a_pull_request_run(api: RecordedApi, tmp_path: Path) -> None:
    api.replies[f"{REVIEWS_PATH}?per_page=100"] = Reply(body=[review_json(1, "a", "APPROVED")])
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7,
                                 "pull_request": {"number": 7, "head": {"sha": HEAD}}}))
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": api.url,
           "GITHUB_REPOSITORY": "acme/ecosystem", "GITHUB_EVENT_PATH": str(event)}

    reviews = environment_reviews(env, QUICK)

    assert reviews is not None and [review.review_id for review in reviews] == [1]
    assert api.requests[0][1]["authorization"] == f"Bearer {TOKEN}"


def test_environment_reviews_outside_a_pull_request(tmp_path: Path) -> None:
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main", "after": HEAD}))
    assert environment_reviews({}) is None
    assert environment_reviews({"GITHUB_EVENT_PATH": str(push), "GITHUB_TOKEN": TOKEN,
                                "GITHUB_REPOSITORY": "acme/ecosystem"}) is None


# -- which approvals count -----------------------------------------------------------------

def review(review_id: int, login: str, state: str, minute: int,
           commit: str | None = HEAD) -> Review:
    return Review(login, state, commit, f"2026-05-01T10:{minute:02}:00Z", review_id)


def test_the_latest_decision_of_each_reviewer_wins() -> None:
    approvals = latest_approvals([
        review(4, "bob", "APPROVED", 5), review(1, "alice", "APPROVED", 1),
        review(2, "alice", "CHANGES_REQUESTED", 2), review(3, "bob", "CHANGES_REQUESTED", 1),
    ], HEAD, require_fresh=False)
    assert approvals == {"bob": review(4, "bob", "APPROVED", 5)}


def test_a_comment_after_an_approval_keeps_the_approval() -> None:
    approvals = latest_approvals([review(1, "alice", "APPROVED", 1),
                                  review(2, "alice", "COMMENTED", 2)], HEAD, False)
    assert list(approvals) == ["alice"]


def test_a_dismissed_review_cancels_the_approval() -> None:
    dismissed = latest_approvals([review(1, "alice", "APPROVED", 1),
                                  review(2, "alice", "DISMISSED", 2)], HEAD, False)
    approved_again = latest_approvals([review(1, "alice", "DISMISSED", 1),
                                       review(2, "alice", "APPROVED", 2)], HEAD, False)
    assert dismissed == {}
    assert list(approved_again) == ["alice"]


def test_same_time_reviews_are_ordered_by_id_and_pending_ones_ignored() -> None:
    approvals = latest_approvals([
        review(9, "alice", "APPROVED", 3), review(8, "alice", "CHANGES_REQUESTED", 3),
        Review("carol", "PENDING", HEAD, None, 10),
    ], HEAD, False)
    assert list(approvals) == ["alice"]


def test_logins_are_compared_case_insensitively() -> None:
    approvals = latest_approvals([review(1, "Alice", "APPROVED", 1),
                                  review(2, "alice", "CHANGES_REQUESTED", 2),
                                  review(3, "BOB", "APPROVED", 1)], HEAD, False)
    assert list(approvals) == ["bob"]


def test_require_fresh_counts_only_approvals_of_the_head_commit() -> None:
    reviews = [review(1, "alice", "APPROVED", 1, commit=OLD),
               review(2, "bob", "APPROVED", 1, commit=HEAD.upper())]
    assert list(latest_approvals(reviews, HEAD, require_fresh=True)) == ["bob"]
    assert list(latest_approvals(reviews, HEAD, require_fresh=False)) == ["alice", "bob"]
    assert latest_approvals(reviews, None, require_fresh=True) == {}


# -- saved reviews and the event file ------------------------------------------------------

def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2))
    return path


def test_a_saved_reviews_file(tmp_path: Path) -> None:
    path = write_json(tmp_path / "reviews.json", [review_json(1, "alice", "APPROVED"),
                                                  review_json(2, None, "COMMENTED")])
    assert load_reviews_file(path) == [Review("alice", "APPROVED", HEAD,
                                              "2026-05-01T10:00:00Z", 1)]


def test_saved_pages_are_concatenated_without_duplicates(tmp_path: Path) -> None:
    path = write_json(tmp_path / "reviews.json", [
        [review_json(1, "alice", "APPROVED"), review_json(2, "bob", "APPROVED")],
        [review_json(2, "bob", "APPROVED"), review_json(3, "carol", "COMMENTED")]])
    assert [review.review_id for review in load_reviews_file(path)] == [1, 2, 3]


def test_a_reviews_file_that_is_not_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "reviews.json"
    path.write_text('[\n  {"id": 1,, "state": "APPROVED"}\n]\n')
    with pytest.raises(GovcheckError) as raised:
        load_reviews_file(path)
    assert (raised.value.file, raised.value.line, raised.value.column) == (str(path), 2, 12)
    assert str(raised.value) == f"{path}:2:12: not valid JSON: Expecting property name " \
                                "enclosed in double quotes"


@pytest.mark.parametrize(("document", "message"), [
    ({"reviews": []}, "expected a JSON array, found an object"),
    (["APPROVED"], "review 1 is a string, not an object"),
    ([{"id": 1, "state": "APPROVED", "user": {}}], "review 1 has no 'user.login'"),
    ([{"id": "1", "state": "APPROVED", "user": {"login": "a"}}], "review 1 has no numeric 'id'"),
    ([{"id": 1, "state": "APPROVED", "user": {"login": "a"}, "commit_id": 5}],
     "review 1: 'commit_id' is a number, not a string"),
])
def test_a_reviews_file_of_the_wrong_shape(tmp_path: Path, document: Any,
                                           message: str) -> None:
    path = write_json(tmp_path / "reviews.json", document)
    with pytest.raises(GovcheckError) as raised:
        load_reviews_file(path)
    assert str(raised.value) == f"{path}: not a list of pull-request reviews: {message}"


@pytest.mark.parametrize("nesting", [b"[" * 100_000, b'{"a":' * 100_000])
def test_a_reviews_file_nested_too_deeply(tmp_path: Path, nesting: bytes) -> None:
    path = tmp_path / "reviews.json"
    path.write_bytes(nesting)
    with pytest.raises(GovcheckError) as raised:
        load_reviews_file(path)
    assert str(raised.value) == (f"{path}: the JSON nests arrays or objects too deeply to be a "
                                 "GitHub event or reviews")


def test_an_event_file_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(b'{"pull_request": ' * 100_000)
    for read in (pull_request_number, pull_request_head_sha):
        with pytest.raises(GovcheckError, match="nests arrays or objects too deeply"):
            read(path)


def test_a_missing_reviews_file(tmp_path: Path) -> None:
    with pytest.raises(GovcheckError, match="cannot read the file: No such file"):
        load_reviews_file(tmp_path / "absent.json")


@pytest.mark.parametrize(("event", "number"), [
    ({"action": "opened", "number": 12, "pull_request": {"number": 12}}, 12),
    ({"action": "created", "number": 5}, 5),
    ({"ref": "refs/heads/main"}, None),
    ({"number": True}, None),
    ([1, 2], None),
])
def test_the_pull_request_number_from_the_event(tmp_path: Path, event: Any,
                                                number: int | None) -> None:
    assert pull_request_number(write_json(tmp_path / "event.json", event)) == number


def test_an_event_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text("{")
    with pytest.raises(GovcheckError, match="not valid JSON"):
        pull_request_number(path)


def test_the_pull_request_head_commit_from_the_event(tmp_path: Path) -> None:
    event = write_json(tmp_path / "event.json",
                       {"pull_request": {"number": 1, "head": {"sha": HEAD}}})
    push = write_json(tmp_path / "push.json", {"after": HEAD})
    assert pull_request_head_sha(event) == HEAD
    assert pull_request_head_sha(push) is None
