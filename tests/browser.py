"""Headless Chromium driven through the DevTools protocol over a pipe (imported by tests).

`--remote-debugging-pipe` makes Chromium read protocol messages on file descriptor 3 and write
its answers and events on descriptor 4, each message JSON ending in a NUL byte. That needs
nothing but the standard library: no WebDriver, no websocket client, no npm package.

The browser starts with a fresh profile, its background services off, and each page's
network switched off (`Network.emulateNetworkConditions offline`); every request a page makes
is recorded all the same, so a test can assert that none left the machine.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-sync",
         "--disable-component-update", "--disable-default-apps", "--disable-extensions",
         "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only",
         "--mute-audio", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--window-size=1400,1000"]
TIMEOUT = 30.0
HAND_OVER = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
             "os.execv(sys.argv[3], sys.argv[3:])")


class BrowserError(Exception):
    """The browser answered a command with an error, or did not answer in time."""


def find_chromium() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageVisit:
    """What happened while a page loaded: its requests, console errors and dialogs."""

    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class Browser:
    """One headless Chromium with one tab."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        flags = [*FLAGS, f"--user-data-dir={profile}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")   # Chromium refuses to run as root with its sandbox
        # A small Python hands the pipes to the browser as descriptors 3 and 4, then becomes it
        # (a shell's redirections cannot name descriptors above 9 everywhere).
        self.process = subprocess.Popen(
            [sys.executable, "-c", HAND_OVER, str(to_browser_read), str(from_browser_write),
             executable, *flags, "about:blank"], pass_fds=(to_browser_read, from_browser_write),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.session = ""
        try:
            self._open_tab()
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise

    def _open_tab(self) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
            session=True)

    # -- the protocol ----------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: bool = False) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self._events.append(answer)

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise BrowserError("the browser did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("the browser closed the connection")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def _wait_for(self, method: str) -> list[dict[str, Any]]:
        """Every event up to and including the first `method` event."""
        seen: list[dict[str, Any]] = []
        while True:
            event = self._events.pop(0) if self._events else self._receive()
            if "method" not in event:
                continue
            seen.append(event)
            if event["method"] == "Page.javascriptDialogOpening":   # never left blocking
                self.call("Page.handleJavaScriptDialog", {"accept": False}, session=True)
            if event["method"] == method:
                return seen

    # -- what tests use --------------------------------------------------------------------

    def open(self, url: str) -> PageVisit:
        """Load a page and wait for its load event."""
        self._events.clear()
        answer = self.call("Page.navigate", {"url": url}, session=True)
        if answer.get("errorText"):
            raise BrowserError(f"cannot open {url}: {answer['errorText']}")
        return self._visit(url, self._wait_for("Page.loadEventFired"))

    def click(self, element_script: str) -> PageVisit:
        """Click, with the mouse, the element a script expression returns, and wait for the
        page the click opens."""
        x, y = self.evaluate(f"""(() => {{
            const element = {element_script};
            element.scrollIntoView({{block: "center", inline: "center"}});
            const box = element.getBoundingClientRect();
            return [box.left + box.width / 2, box.top + box.height / 2];
        }})()""")
        self._events.clear()
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                   "clickCount": 1}, session=True)
        events = self._wait_for("Page.loadEventFired")
        return self._visit(str(self.evaluate("location.href")), events)

    def _visit(self, url: str, events: list[dict[str, Any]]) -> PageVisit:
        visit = PageVisit(url)
        self._settle(visit, events)
        return visit

    def _settle(self, visit: PageVisit, events: list[dict[str, Any]]) -> None:
        # Messages logged right after the load event (a script's error) arrive before this
        # round trip returns.
        self.call("Runtime.evaluate", {"expression": "0"}, session=True)
        for event in [*events, *self._events]:
            record(visit, event)
        self._events.clear()

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        answer = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                           session=True)
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, not only the window, as a PNG."""
        width, height = self.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        answer = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session=True)
        path.write_bytes(base64.b64decode(answer["data"]))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def record(visit: PageVisit, event: dict[str, Any]) -> None:
    """File one protocol event under the visit: a request, an error or a dialog."""
    method, params = event["method"], event.get("params", {})
    if method == "Network.requestWillBeSent":
        visit.requests.append(params["request"]["url"])
    elif method == "Runtime.exceptionThrown":
        visit.errors.append(f"exception: {params['exceptionDetails'].get('text')} "
                            f"{params['exceptionDetails'].get('exception', {}).get('description', '')}")
    elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        visit.errors.append("console: " + " ".join(str(arg.get("value", arg.get("description")))
                                                   for arg in params.get("args", [])))
    elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
        visit.errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    elif method == "Page.javascriptDialogOpening":
        visit.dialogs.append(params.get("message", ""))
