"""GitHub pull-request reviews: the `github` source of sign-off evidence.

Reviews come from the REST API (`GET /repos/{owner}/{repo}/pulls/{n}/reviews`) with the
workflow's `GITHUB_TOKEN`, or from a saved copy of that API's JSON (`--reviews FILE`).
Standard library only. The token is sent to the API's own origin and never printed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PAGE_SIZE = 100
MAX_PAGES = 50  # 5,000 reviews; beyond that something is wrong, and truncating is not safe
MAX_BODY = 16 * 2**20  # one page of 100 reviews is well under 1 MiB

# A review decision replaces the reviewer's earlier one; a comment does not (GitHub's rule).
_DECISIONS = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
_REPOSITORY_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# Header numbers worth reading: ASCII digits (str.isdigit also takes "²"), and few enough
# that int() and the calendar can hold them.
_SMALL_NUMBER = re.compile(r"[0-9]{1,12}")
_BELIEVABLE_RESET = 24 * 3600  # seconds ahead


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


def pull_request_base_ref(event_path: Path | str) -> str | None:
    """The branch the pull request targets (`pull_request.base.ref`).

    GitHub sets `$GITHUB_BASE_REF` for `pull_request` workflows only; on
    `pull_request_review` the event is the one place that names the base.
    """
    event = _load_json(Path(event_path))
    pull_request = event.get("pull_request") if isinstance(event, dict) else None
    base = pull_request.get("base") if isinstance(pull_request, dict) else None
    ref = base.get("ref") if isinstance(base, dict) else None
    return ref if isinstance(ref, str) and ref.strip() else None


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
    except RecursionError:
        raise GovcheckError("the JSON nests arrays or objects too deeply to be a GitHub "
                            "event or reviews", file=str(path)) from None


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

@dataclass(frozen=True)
class Limits:
    """How long one run may wait for GitHub, so that a slow or throttled API cannot hold a
    pull request's check until the job's own timeout (six hours by default) kills it."""

    request: float = 10.0   # one request, from connecting to its last byte
    total: float = 60.0     # the whole fetch: every page, every retry and every wait
    retries: int = 2        # after a 5xx, a 429 or a rate-limited 403
    backoff: float = 1.0    # the first wait when GitHub does not say how long; it doubles


def environment_reviews(env: Mapping[str, str],
                        limits: Limits = Limits()) -> list[Review] | None:
    """The pull request's reviews in a GitHub Actions run; None outside a pull request."""
    event_path, repository = env.get("GITHUB_EVENT_PATH"), env.get("GITHUB_REPOSITORY")
    if not event_path or not repository:
        return None
    number = pull_request_number(event_path)
    if number is None:
        return None
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    return fetch_reviews(api_url, repository, number, env.get("GITHUB_TOKEN"), limits)


def fetch_reviews(api_url: str, repository: str, number: int, token: str | None,
                  limits: Limits = Limits()) -> list[Review]:
    """Every review of pull request `number` in `repository` ("owner/name"), all pages,
    within `limits.total` seconds."""
    url: str | None = _reviews_url(api_url, repository, number)
    client = _Client(api_url, _token(token), limits, f"pull request #{number} in {repository}")
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


@dataclass(frozen=True)
class _Answer:
    """An HTTP response read in full: any status, its headers and its body."""

    status: int
    headers: Message
    body: bytes


class _Client:
    """GET requests to one API origin, with the token, retries, one deadline for the whole
    fetch, and errors as sentences."""

    def __init__(self, api_url: str, token: str | None, limits: Limits, subject: str) -> None:
        self.origin = _origin(api_url)
        self.subject = subject
        self.limits = limits
        self.expires = time.monotonic() + limits.total
        self.headers = {"Accept": "application/vnd.github+json",
                        "X-GitHub-Api-Version": API_VERSION, "User-Agent": "govcheck"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get_page(self, url: str) -> tuple[Any, str | None]:
        """One page of JSON and the URL of the next page, if any."""
        if _origin(url) != self.origin:  # the token must not travel to another host
            raise GovcheckError(f"the GitHub API pointed to another host ({_origin(url)}) "
                                "for the next page: refused")
        answer, attempts = self._get_with_retries(url)
        if not 200 <= answer.status < 300:
            raise _http_error(answer, self.subject, attempts)
        return _parse_body(answer.body), _next_link(answer.headers.get("Link"))

    def _get_with_retries(self, url: str) -> tuple[_Answer, int]:
        """The first answer worth keeping: a transient failure (5xx, rate limit) is asked
        again after the wait GitHub names, or a growing backoff, while time remains."""
        attempt = 0
        while True:
            answer = self._get(url)
            wait = _retry_wait(answer, attempt, self.limits)
            if wait is None or wait >= self._remaining():
                return answer, attempt + 1
            time.sleep(wait)
            attempt += 1

    def _remaining(self) -> float:
        return self.expires - time.monotonic()

    def _get(self, url: str) -> _Answer:
        """One GET, bounded as a whole: a socket timeout restarts with every byte received,
        so a server that drips bytes is cut off by a watchdog instead."""
        total_binds = self._remaining() < self.limits.request
        budget = min(self.limits.request, self._remaining())
        if budget <= 0:
            raise self._too_slow(total_binds)
        watchdog = _Watchdog()
        opener = urllib.request.build_opener(_SameOriginRedirects(), _HTTPHandler(watchdog),
                                             _HTTPSHandler(watchdog))
        request = urllib.request.Request(url, headers=self.headers, method="GET")
        try:
            with watchdog.armed(budget):
                answer = _receive(opener, request, budget)
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException,
                OSError) as error:
            if watchdog.fired or _is_timeout(error):
                raise self._too_slow(total_binds) from None
            raise self._connection_error(error) from None
        if watchdog.fired:  # a body cut short can still look complete
            raise self._too_slow(total_binds)
        return answer

    def _too_slow(self, total: bool) -> GovcheckError:
        if total:
            return GovcheckError(f"the GitHub API at {self.origin} did not give the reviews of "
                                 f"{self.subject} within {self.limits.total:g} seconds: retry, "
                                 "or pass the reviews with --reviews FILE")
        return GovcheckError(f"the GitHub API at {self.origin} did not answer within "
                             f"{self.limits.request:g} seconds: retry, or pass the reviews "
                             "with --reviews FILE")

    def _connection_error(self, error: BaseException) -> GovcheckError:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        return GovcheckError(f"cannot reach the GitHub API at {self.origin}: "
                             f"{_describe(reason)}")


def _receive(opener: urllib.request.OpenerDirector, request: urllib.request.Request,
             timeout: float) -> _Answer:
    """The whole answer, an error status included (its body carries GitHub's message)."""
    try:
        with opener.open(request, timeout=timeout) as response:
            return _Answer(response.status, response.headers, _read_body(response))
    except urllib.error.HTTPError as error:
        with error:
            return _Answer(error.code, error.headers, _read_body(error))


def _read_body(response: Any) -> bytes:
    body: bytes = response.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise GovcheckError(f"the GitHub API answered with more than {MAX_BODY // 2**20} MiB "
                            "for one page of reviews: refused")
    return body


def _is_timeout(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, TimeoutError)


class _Watchdog:
    """Shuts a request's sockets down when its time is up, which ends a blocked read at
    once, wherever the server is in its answer."""

    def __init__(self) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def armed(self, seconds: float) -> Iterator[None]:
        timer = threading.Timer(seconds, self._fire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def watch(self, connection: socket.socket) -> None:
        with self._lock:
            self._sockets.append(connection)
            fired = self.fired
        if fired:
            _shut_down(connection)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for connection in sockets:
            _shut_down(connection)


def _shut_down(connection: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS: it wakes the reader in the other thread
        # without touching the TLS state that reader is using.
        socket.socket.shutdown(connection, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to stop


class _WatchedHTTPConnection(http.client.HTTPConnection):
    watchdog: _Watchdog

    def connect(self) -> None:
        super().connect()
        self.watchdog.watch(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    watchdog: _Watchdog

    def connect(self) -> None:
        super().connect()
        self.watchdog.watch(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **options: Any) -> http.client.HTTPConnection:
            watched = _WatchedHTTPConnection(host, **options)
            watched.watchdog = self.watchdog
            return watched
        return self.do_open(connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **options: Any) -> http.client.HTTPSConnection:
            watched = _WatchedHTTPSConnection(host, **options)
            watched.watchdog = self.watchdog
            return watched
        return self.do_open(connection, req)


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
    except RecursionError:
        raise GovcheckError("the GitHub API answered with JSON nested too deeply to be "
                            "reviews") from None


def _next_link(header: str | None) -> str | None:
    """The `rel="next"` target of a `Link` header."""
    for match in re.finditer(r'<([^>]*)>((?:\s*;\s*[^;,]+)*)', header or ""):
        relations = re.search(r'rel\s*=\s*"?([^";,]*)', match.group(2))
        if relations and "next" in relations.group(1).split():
            return match.group(1)
    return None


# -- when to ask again, and what to say when giving up -------------------------------------

def _retry_wait(answer: _Answer, attempt: int, limits: Limits) -> float | None:
    """Seconds to wait before asking again; None when asking again cannot help."""
    if attempt >= limits.retries or not _transient(answer):
        return None
    told = _seconds_to_wait(answer.headers)
    return told if told is not None else limits.backoff * 2 ** attempt


def _transient(answer: _Answer) -> bool:
    status = answer.status
    return status >= 500 or status == 429 or (status == 403 and _rate_limited(answer.headers))


def _seconds_to_wait(headers: Message) -> float | None:
    """What GitHub asks for: `Retry-After` (secondary limits), else the primary limit's
    reset time when no requests are left."""
    retry_after = _retry_after(headers)
    if retry_after is not None:
        return retry_after
    reset = _reset_time(headers)
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(0.0, reset - time.time())
    return None


def _retry_after(headers: Message) -> float | None:
    """`Retry-After` in seconds: a number of seconds or an HTTP date; None if unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if _SMALL_NUMBER.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _reset_time(headers: Message) -> int | None:
    """`x-ratelimit-reset` (epoch seconds); None when absent or beyond any sensible date."""
    value = (headers.get("x-ratelimit-reset") or "").strip()
    return int(value) if _SMALL_NUMBER.fullmatch(value) else None


def _http_error(answer: _Answer, subject: str, attempts: int) -> GovcheckError:
    status, headers = answer.status, answer.headers
    said = _github_message(answer.body)
    tried = f", {attempts} attempts" if attempts > 1 else ""
    if status == 401:
        return GovcheckError(f"GitHub rejected the request (HTTP 401{said}): GITHUB_TOKEN is "
                             "missing, expired or invalid")
    if status == 429 or (status == 403 and _rate_limited(headers)):
        return GovcheckError(f"GitHub API rate limit reached (HTTP {status}{tried})"
                             f"{_when(headers)}: retry later, or pass the reviews with "
                             "--reviews FILE")
    if status == 403:
        return GovcheckError(f"GitHub refused to list the reviews of {subject} (HTTP 403{said}):"
                             " give the token the 'pull-requests: read' permission")
    if status == 404:
        return GovcheckError(f"GitHub found no {subject} (HTTP 404): check GITHUB_REPOSITORY "
                             "and the number, and that the token can see the repository")
    if status >= 500:
        return GovcheckError(f"GitHub had a server error (HTTP {status}{tried}): retry later, "
                             "or pass the reviews with --reviews FILE")
    return GovcheckError(f"GitHub answered HTTP {status}{said} for the reviews of {subject}")


def _rate_limited(headers: Message) -> bool:
    return headers.get("x-ratelimit-remaining") == "0" or headers.get("retry-after") is not None


def _when(headers: Message) -> str:
    retry_after = (headers.get("retry-after") or "").strip()
    if _SMALL_NUMBER.fullmatch(retry_after):
        return f"; retry after {int(retry_after)} seconds"
    reset = _reset_time(headers)
    # GitHub's limits reset within the hour: a reset days away is garbage, not advice.
    if reset is None or reset - time.time() > _BELIEVABLE_RESET:
        return ""
    stamp = dt.datetime.fromtimestamp(reset, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    minutes = max(0, round((reset - time.time()) / 60))
    return f"; it resets at {stamp} (in about {minutes} minutes)"


def _github_message(body: bytes) -> str:
    """GitHub's own explanation from an error body, on one short line."""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError, RecursionError):
        return ""
    if not isinstance(message, str) or not message.strip():
        return ""
    return ": " + " ".join(message.split())[:200]


def _describe(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
