"""A minimal Language Server Protocol client for yaml-language-server, the server behind VS Code's
YAML extension (and Neovim's yamlls): it opens files in a workspace with the given settings and
returns the diagnostics the server publishes for each, as an editor would show them.

The server runs under node over stdio; messages are JSON-RPC with `Content-Length` headers. The
server asks the client for its settings (`workspace/configuration`) and registers capabilities;
this client answers every request, so the server never waits on it.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

PACKAGE = "yaml-language-server"
VERSION = "1.25.0"


def server_script(modules: Path) -> Path:
    return modules / "node_modules" / PACKAGE / "bin" / PACKAGE


class _Session:
    def __init__(self, script: Path, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.process = subprocess.Popen(["node", str(script), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=self._read_all, args=(self.process.stdout,), daemon=True).start()
        self.next_id = 0

    def _read_all(self, stream: IO[bytes]) -> None:
        while True:
            length = None
            for line in iter(stream.readline, b"\r\n"):
                if not line:
                    self.messages.put(None)
                    return
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def receive(self, timeout: float) -> dict[str, Any]:
        """The next message from the server; a request is answered before it is returned."""
        message = self.messages.get(timeout=timeout)
        if message is None:
            raise RuntimeError(f"{PACKAGE} exited with {self.process.wait()}")
        if "method" in message and "id" in message:
            self.send({"id": message["id"], "result": self._answer(message)})
        return message

    def _answer(self, request: dict[str, Any]) -> Any:
        if request["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section", ""), self.settings)
                    for item in request["params"]["items"]]
        return None

    def request(self, method: str, params: dict[str, Any], timeout: float) -> None:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while not _is_response(self.receive(timeout), self.next_id):
            pass

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def _is_response(message: dict[str, Any], request_id: int) -> bool:
    return "method" not in message and message.get("id") == request_id


def diagnostics(modules: Path, root: Path, settings: dict[str, Any], files: list[Path],
                timeout: float = 60) -> dict[Path, list[tuple[int, str]]]:
    """file → [(1-based line, message)] as yaml-language-server reports them, `root` being the
    workspace folder and `settings` the editor's settings ({"yaml": {...}}). Pass
    `"schemaStore": {"enable": False}` among them to keep the server off the network."""
    session = _Session(server_script(modules), settings)
    try:
        session.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {"workspace": {"configuration": True}}}, timeout)
        session.send({"method": "initialized", "params": {}})
        # As VS Code's extension does; the server then says when it has applied new settings
        # (files opened before that would be validated without them).
        session.send({"method": "yaml/supportSchemaSelection", "params": {}})
        session.send({"method": "workspace/didChangeConfiguration", "params": {"settings": settings}})
        while session.receive(timeout).get("method") != "yaml/schema/store/initialized":
            pass
        waiting = {path.as_uri(): path for path in files}
        for path in files:
            session.send({"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": path.as_uri(), "languageId": "yaml", "version": 1,
                "text": path.read_text(encoding="utf-8")}}})
        found: dict[Path, list[tuple[int, str]]] = {}
        while waiting:
            message = session.receive(timeout)
            if message.get("method") == "textDocument/publishDiagnostics":
                path = waiting.pop(message["params"]["uri"], None)
                if path is not None:
                    found[path] = [(item["range"]["start"]["line"] + 1, item["message"])
                                   for item in message["params"]["diagnostics"]]
        return found
    finally:
        session.close()
