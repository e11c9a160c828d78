"""GitHub pull-request reviews: the `github` source of sign-off evidence.

Reviews come from the REST API (`GET /repos/{owner}/{repo}/pulls/{n}/reviews`) with the
workflow's `GITHUB_TOKEN`, or from a saved copy of that API's JSON (`--reviews FILE`).
Standard library only. The token is sent to the API's own origin and never printed.
"""
from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PAGE_SIZE = 100
MAX_PAGES = 50  # 5,000 reviews; beyond that something is wrong, and truncating is not safe

# A review decision replaces the reviewer's earlier one; a comment does not (GitHub's rule).
_DECISIONS = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
_REPOSITORY_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Review:
    """One pull-request review, as the API reports it."""

    reviewer_login: str
    state: str               # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    commit_id: str | None    # the head commit the review was given on
    submitted_at: str | None  # ISO 8601, UTC ("2026-05-01T12:00:00Z"); None while pending
    review_id: int


# -- saved reviews and the event file ------------------------------------------------------

def load_reviews_file(path: Path | str) -> list[Review]:
    """Reviews from a saved API response: a JSON array of reviews, or an array of pages."""
    document = _load_json(Path(path))
    try:
        return _reviews_from(document)
    except _ShapeError as error:
        raise GovcheckError(f"not a list of pull-request reviews: {error}",
                            file=str(path)) from None


def pull_request_number(event_path: Path | str) -> int | None:
    """The pull request's number from `$GITHUB_EVENT_PATH`; None for other events."""
    event = _load_json(Path(event_path))
    if not isinstance(event, dict):
        return None
    pull_request = event.get("pull_request")
    if isinstance(pull_request, dict) and _is_number(pull_request.get("number")):
        return int(pull_request["number"])
    return int(event["number"]) if _is_number(event.get("number")) else None


def pull_request_head_sha(event_path: Path | str) -> str | None:
    """The pull request's head commit from `$GITHUB_EVENT_PATH` (`pull_request.head.sha`).

    In a `pull_request` workflow HEAD is GitHub's merge commit, not the commit reviewers saw:
    this is the commit `--require-fresh` should compare approvals with.
    """
    event = _load_json(Path(event_path))
    pull_request = event.get("pull_request") if isinstance(event, dict) else None
    head = pull_request.get("head") if isinstance(pull_request, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    return sha if isinstance(sha, str) and sha else None


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _load_json(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise GovcheckError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise GovcheckError("the file is not UTF-8 text", file=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise GovcheckError(f"not valid JSON: {error.msg}", file=str(path),
                            line=error.lineno, column=error.colno) from None


# -- the shape of a review -----------------------------------------------------------------

class _ShapeError(Exception):
    """A JSON document that is not what the reviews API returns."""


def _reviews_from(document: Any) -> list[Review]:
    if not isinstance(document, list):
        raise _ShapeError(f"expected a JSON array, found {_json_type(document)}")
    if document and all(isinstance(page, list) for page in document):
        document = [item for page in document for item in page]
    reviews: dict[int, Review] = {}
    for index, item in enumerate(document):
        review = _review_from(item, index)
        reviews.setdefault(review.review_id, review)  # overlapping pages hold duplicates
    return [review for review in reviews.values() if review.reviewer_login]


def _review_from(item: Any, index: int) -> Review:
    where = f"review {index + 1}"
    if not isinstance(item, dict):
        raise _ShapeError(f"{where} is {_json_type(item)}, not an object")
    review_id, state = item.get("id"), item.get("state")
    if not isinstance(review_id, int) or isinstance(review_id, bool):
        raise _ShapeError(f"{where} has no numeric 'id'")
    if not isinstance(state, str):
        raise _ShapeError(f"{where} has no 'state'")
    return Review(_login(item.get("user"), where), state.upper(),
                  _optional_text(item, "commit_id", where),
                  _optional_text(item, "submitted_at", where), review_id)


def _login(user: Any, where: str) -> str:
    """The reviewer's login; '' for a deleted account (`"user": null`), which cannot count."""
    if user is None:
        return ""
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(login, str):
        raise _ShapeError(f"{where} has no 'user.login'")
    return login


def _optional_text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise _ShapeError(f"{where}: '{key}' is {_json_type(value)}, not a string")
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# -- which approvals count -----------------------------------------------------------------

def latest_approvals(reviews: Iterable[Review], head_sha: str | None,
                     require_fresh: bool) -> dict[str, Review]:
    """Reviewers whose latest decision is APPROVED, keyed by login in lower case.

    Reviews are ordered by `submitted_at`, then id. A COMMENTED review does not replace an
    earlier APPROVED or CHANGES_REQUESTED one; a DISMISSED review cancels the approval it
    dismissed. With `require_fresh`, only approvals given on `head_sha` count.
    """
    decisions: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda review: (review.submitted_at or "",
                                                       review.review_id)):
        if review.state in _DECISIONS and review.reviewer_login:
            decisions[review.reviewer_login.lower()] = review
    return {login: review for login, review in decisions.items()
            if review.state == "APPROVED"
            and (not require_fresh or _same_commit(review.commit_id, head_sha))}


def _same_commit(commit_id: str | None, head_sha: str | None) -> bool:
    return commit_id is not None and head_sha is not None and commit_id.lower() == head_sha.lower()


# -- the REST API --------------------------------------------------------------------------

def environment_reviews(env: Mapping[str, str], timeout: float = 10.0) -> list[Review] | None:
    """The pull request's reviews in a GitHub Actions run; None outside a pull request."""
    event_path, repository = env.get("GITHUB_EVENT_PATH"), env.get("GITHUB_REPOSITORY")
    if not event_path or not repository:
        return None
    number = pull_request_number(event_path)
    if number is None:
        return None
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    return fetch_reviews(api_url, repository, number, env.get("GITHUB_TOKEN"), timeout)


def fetch_reviews(api_url: str, repository: str, number: int, token: str | None,
                  timeout: float = 10.0) -> list[Review]:
    """Every review of pull request `number` in `repository` ("owner/name"), all pages."""
    url: str | None = _reviews_url(api_url, repository, number)
    client = _Client(api_url, _token(token), timeout, f"pull request #{number} in {repository}")
    pages: list[Any] = []
    while url is not None:
        if len(pages) == MAX_PAGES:
            raise GovcheckError(f"{client.subject} has more than {MAX_PAGES * PAGE_SIZE} "
                                "reviews: save them and pass them with --reviews FILE")
        page, url = client.get_page(url)
        pages.append(page)
    try:
        return _reviews_from(pages)
    except _ShapeError as error:
        raise GovcheckError(f"unexpected answer from the GitHub API: {error}") from None


def _reviews_url(api_url: str, repository: str, number: int) -> str:
    if urllib.parse.urlsplit(api_url).scheme not in ("http", "https"):
        raise GovcheckError(f"GITHUB_API_URL must be an http(s) URL, not '{api_url}'")
    if not _REPOSITORY_NAME.fullmatch(repository) or {".", ".."} & set(repository.split("/")):
        raise GovcheckError(f"invalid GitHub repository '{repository}': expected owner/name")
    if not _is_number(number):
        raise GovcheckError(f"invalid pull request number {number!r}")
    return f"{api_url.rstrip('/')}/repos/{repository}/pulls/{number}/reviews?per_page={PAGE_SIZE}"


def _token(token: str | None) -> str | None:
    token = (token or "").strip()
    if any(char.isspace() or ord(char) < 32 for char in token):
        raise GovcheckError("GITHUB_TOKEN contains whitespace or control characters: "
                            "check how it is passed to the step")
    return token or None


class _Client:
    """GET requests to one API origin, with the token, and errors as sentences."""

    def __init__(self, api_url: str, token: str | None, timeout: float, subject: str) -> None:
        self.origin = _origin(api_url)
        self.subject = subject
        self.timeout = timeout
        self.headers = {"Accept": "application/vnd.github+json",
                        "X-GitHub-Api-Version": API_VERSION, "User-Agent": "govcheck"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.opener = urllib.request.build_opener(_SameOriginRedirects())

    def get_page(self, url: str) -> tuple[Any, str | None]:
        """One page of JSON and the URL of the next page, if any."""
        if _origin(url) != self.origin:  # the token must not travel to another host
            raise GovcheckError(f"the GitHub API pointed to another host ({_origin(url)}) "
                                "for the next page: refused")
        request = urllib.request.Request(url, headers=self.headers, method="GET")
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body, link = response.read(), response.headers.get("Link")
        except urllib.error.HTTPError as error:
            raise _http_error(error, self.subject) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException,
                OSError) as error:
            raise self._connection_error(error) from None
        return _parse_body(body), _next_link(link)

    def _connection_error(self, error: BaseException) -> GovcheckError:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, TimeoutError):
            return GovcheckError(f"the GitHub API at {self.origin} did not answer within "
                                 f"{self.timeout:g} seconds: retry, or pass the reviews "
                                 "with --reviews FILE")
        return GovcheckError(f"cannot reach the GitHub API at {self.origin}: "
                             f"{_describe(reason)}")


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (a renamed repository) only within the API's origin, so that the
    Authorization header is never sent elsewhere."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if _origin(newurl) != _origin(req.full_url):
            return None  # urllib then raises the redirect as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _parse_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GovcheckError("the GitHub API answered with something that is not JSON") from None


def _next_link(header: str | None) -> str | None:
    """The `rel="next"` target of a `Link` header."""
    for match in re.finditer(r'<([^>]*)>((?:\s*;\s*[^;,]+)*)', header or ""):
        relations = re.search(r'rel\s*=\s*"?([^";,]*)', match.group(2))
        if relations and "next" in relations.group(1).split():
            return match.group(1)
    return None


def _http_error(error: urllib.error.HTTPError, subject: str) -> GovcheckError:
    status, headers = error.code, error.headers
    said = _github_message(error)
    if status == 401:
        return GovcheckError(f"GitHub rejected the request (HTTP 401{said}): GITHUB_TOKEN is "
                             "missing, expired or invalid")
    if status == 429 or (status == 403 and _rate_limited(headers)):
        return GovcheckError(f"GitHub API rate limit reached (HTTP {status}){_when(headers)}: "
                             "retry later, or pass the reviews with --reviews FILE")
    if status == 403:
        return GovcheckError(f"GitHub refused to list the reviews of {subject} (HTTP 403{said}):"
                             " give the token the 'pull-requests: read' permission")
    if status == 404:
        return GovcheckError(f"GitHub found no {subject} (HTTP 404): check GITHUB_REPOSITORY "
                             "and the number, and that the token can see the repository")
    if status >= 500:
        return GovcheckError(f"GitHub had a server error (HTTP {status}): retry later, or pass "
                             "the reviews with --reviews FILE")
    return GovcheckError(f"GitHub answered HTTP {status}{said} for the reviews of {subject}")


def _rate_limited(headers: Message) -> bool:
    return headers.get("x-ratelimit-remaining") == "0" or headers.get("retry-after") is not None


def _when(headers: Message) -> str:
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return f"; retry after {int(retry_after)} seconds"
    reset = headers.get("x-ratelimit-reset", "")
    if reset.isdigit():
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(reset)))
        minutes = max(0, round((int(reset) - time.time()) / 60))
        return f"; it resets at {stamp} (in about {minutes} minutes)"
    return ""


def _github_message(error: urllib.error.HTTPError) -> str:
    """GitHub's own explanation from the error body, on one short line."""
    try:
        message = json.loads(error.read()).get("message")
    except (ValueError, AttributeError, OSError, http.client.HTTPException):
        return ""
    if not isinstance(message, str) or not message.strip():
        return ""
    return ": " + " ".join(message.split())[:200]


def _describe(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
