"""Fakes that behave like the real tracker APIs (status codes, pagination, rate limits, auth).

They sit behind ``httpx.MockTransport``: no GitHub, GitLab or Jira can run here. Their
answers have the shapes of the official documentation (tests/data/publish/*.json).
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "publish"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"
TOKEN = "ghp_" + "A1b2C3d4" * 5  # looks like a real token, so redaction would catch a leak


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA / name).read_text(encoding="utf-8")))


@dataclass
class FakeApi:
    """Common parts: recorded requests, scripted failures before normal answers."""

    requests: list[httpx.Request] = field(default_factory=list)
    failures: list[httpx.Response] = field(default_factory=list)
    expect_auth: tuple[str, str] = ("authorization", f"Bearer {TOKEN}")

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        header, value = self.expect_auth
        if request.headers.get(header) != value:
            return httpx.Response(401, json={"message": "Bad credentials"})
        if self.failures:
            return self.failures.pop(0)
        return self.route(request)

    def route(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST"]


@dataclass
class FakeGitHub(FakeApi):
    """``POST /repos/{o}/{r}/issues`` (201), list with labels + Link pagination, get one."""

    repo: str = "acme/shop"
    issues: list[dict[str, Any]] = field(default_factory=list)
    page_size: int | None = None

    def route(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        base = f"/repos/{self.repo}/issues"
        if request.method == "POST" and url.path == base:
            return self._create(json.loads(request.content))
        if request.method == "GET" and url.path in (base, "/repositories/1/issues"):
            return self._list(request, parse_qs(url.query))
        if request.method == "GET" and url.path.startswith(base + "/"):
            number = int(url.path.rsplit("/", 1)[1])
            issue = next((i for i in self.issues if i["number"] == number), None)
            return httpx.Response(200, json=issue) if issue else httpx.Response(404, json={})
        return httpx.Response(404, json={"message": "Not Found"})

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        issue = copy.deepcopy(fixture("github_create_issue.json")["response"])
        number = 912 + len(self.issues)
        api = f"https://api.github.com/repos/{self.repo}/issues/{number}"
        issue.update(
            number=number,
            url=api,
            html_url=f"https://github.com/{self.repo}/issues/{number}",
            title=body["title"],
            body=body.get("body"),
            labels=[{"name": n} for n in body.get("labels", [])],
            assignees=[{"login": a} for a in body.get("assignees", [])],
            assignee={"login": body["assignees"][0]} if body.get("assignees") else None,
        )
        self.issues.append(issue)
        return httpx.Response(201, json=issue, headers={"Location": api})

    def _list(self, request: httpx.Request, query: dict[str, list[str]]) -> httpx.Response:
        label = query.get("labels", [""])[0]
        size = self.page_size or int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        matching = [i for i in self.issues if label in {lb["name"] for lb in i["labels"]}]
        chunk = matching[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(matching):
            nxt = f"https://api.github.com/repositories/1/issues?labels={label}&page={page + 1}"
            headers["Link"] = f'<{nxt}>; rel="next", <{nxt}>; rel="last"'
        return httpx.Response(200, json=chunk, headers=headers)

    def close(self, number: int, at: str) -> None:
        issue = next(i for i in self.issues if i["number"] == number)
        issue.update(state="closed", closed_at=at, state_reason="completed")

    def reopen(self, number: int) -> None:
        issue = next(i for i in self.issues if i["number"] == number)
        issue.update(state="open", closed_at=None, state_reason="reopened")


@dataclass
class FakeGitLab(FakeApi):
    """``POST /api/v4/projects/:id/issues`` (201), list with ``X-Next-Page``, get one."""

    expect_auth: tuple[str, str] = ("private-token", "glpat-" + "x" * 20)
    project: str = "acme/shop"
    issues: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2

    def route(self, request: httpx.Request) -> httpx.Response:
        path = unquote(urlsplit(str(request.url)).path)
        base = f"/api/v4/projects/{self.project}/issues"
        if request.method == "POST" and path == base:
            return self._create(json.loads(request.content))
        if request.method == "GET" and path == base:
            return self._list(parse_qs(urlsplit(str(request.url)).query))
        if request.method == "GET" and path.startswith(base + "/"):
            iid = int(path.rsplit("/", 1)[1])
            issue = next((i for i in self.issues if i["iid"] == iid), None)
            return httpx.Response(200, json=issue) if issue else httpx.Response(404, json={})
        return httpx.Response(404, json={"message": "404 Not found"})

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        iid = len(self.issues) + 1
        ids = body.get("assignee_ids") or []
        issue = {
            "id": 84000 + iid,
            "iid": iid,
            "project_id": 278964,
            "title": body["title"],
            "description": body.get("description"),
            "state": "opened",
            "created_at": "2024-05-15T09:12:44.000Z",
            "closed_at": None,
            "labels": [x for x in body.get("labels", "").split(",") if x],
            "assignees": [{"id": i, "username": f"user{i}"} for i in ids],
            "assignee": {"id": ids[0], "username": f"user{ids[0]}"} if ids else None,
            "due_date": body.get("due_date"),
            "web_url": f"https://gitlab.com/{self.project}/-/issues/{iid}",
        }
        self.issues.append(issue)
        return httpx.Response(201, json=issue)

    def _list(self, query: dict[str, list[str]]) -> httpx.Response:
        label = query.get("labels", [""])[0]
        page = int(query.get("page", ["1"])[0])
        matching = [i for i in self.issues if label in i["labels"]]
        chunk = matching[(page - 1) * self.page_size : page * self.page_size]
        more = page * self.page_size < len(matching)
        headers = {"X-Page": str(page), "X-Next-Page": str(page + 1) if more else ""}
        return httpx.Response(200, json=chunk, headers=headers)


@dataclass
class FakeJira(FakeApi):
    """``POST /rest/api/3/issue`` (201), ``POST /rest/api/3/search/jql`` with nextPageToken."""

    expect_auth: tuple[str, str] = ("authorization", "")
    issues: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    legacy: bool = False
    """Answer searches the older way: ``startAt``/``maxResults``/``total``."""

    def route(self, request: httpx.Request) -> httpx.Response:
        path = urlsplit(str(request.url)).path
        if request.method == "POST" and path == "/rest/api/3/issue":
            return self._create(json.loads(request.content))
        if request.method == "POST" and path == "/rest/api/3/search/jql":
            return self._search(json.loads(request.content))
        if request.method == "GET" and path.startswith("/rest/api/3/issue/"):
            key = path.rsplit("/", 1)[1]
            issue = next((i for i in self.issues if i["key"] == key), None)
            if issue is None:
                return httpx.Response(404, json={"errorMessages": ["Issue does not exist"]})
            return httpx.Response(200, json=issue)
        return httpx.Response(404, json={"errorMessages": ["not found"]})

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        fields = body["fields"]
        if "summary" not in fields or "project" not in fields:
            return httpx.Response(
                400, json={"errorMessages": [], "errors": {"summary": "required"}}
            )
        number = 217 + len(self.issues)
        key, issue_id = f"OPS-{number}", str(10482 + len(self.issues))
        status = {"name": "To Do", "statusCategory": {"key": "new"}}
        stored = {"id": issue_id, "key": key, "fields": {**fields, "status": status}}
        stored["fields"].setdefault("resolutiondate", None)
        self.issues.append(stored)
        created = {
            "id": issue_id,
            "key": key,
            "self": f"https://acme.atlassian.net/rest/api/3/issue/{issue_id}",
        }
        return httpx.Response(201, json=created)

    def _search(self, body: dict[str, Any]) -> httpx.Response:
        label = body["jql"].split('labels = "')[1].split('"')[0]
        matching = [i for i in self.issues if label in i["fields"].get("labels", [])]
        if self.legacy:
            start = int(body.get("startAt", 0))
            chunk = matching[start : start + self.page_size]
            page = {"startAt": start, "maxResults": self.page_size, "total": len(matching)}
            return httpx.Response(200, json=page | {"issues": chunk})
        start = int(body.get("nextPageToken") or 0)
        chunk = matching[start : start + self.page_size]
        page: dict[str, Any] = {"issues": chunk, "isLast": start + self.page_size >= len(matching)}
        if not page["isLast"]:
            page["nextPageToken"] = str(start + self.page_size)
        return httpx.Response(200, json=page)

    def resolve(self, key: str, at: str) -> None:
        issue = next(i for i in self.issues if i["key"] == key)
        issue["fields"]["status"] = {"name": "Done", "statusCategory": {"key": "done"}}
        issue["fields"]["resolutiondate"] = at


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """incidents/ with hotwash.toml and a copy of the example incident."""
    root = tmp_path / "incidents"
    shutil.copytree(
        EXAMPLE,
        root / "2024-05-14-checkout-errors",
        ignore=shutil.ignore_patterns("hotwash.toml", "out", "raw", "ground_truth.yaml"),
    )
    return root / "2024-05-14-checkout-errors"


def write_config(workspace: Path, text: str) -> Path:
    path = workspace.parent / "hotwash.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def configure(workspace: Path) -> Callable[[str], Path]:
    return lambda text: write_config(workspace, text)


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def github_api() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def gitlab_api() -> FakeGitLab:
    return FakeGitLab()


@pytest.fixture
def jira_api() -> FakeJira:
    import base64

    basic = base64.b64encode(b"bot@acme.example:" + JIRA_TOKEN.encode()).decode()
    return FakeJira(expect_auth=("authorization", f"Basic {basic}"))


JIRA_TOKEN = "ATATT3xFfGF0" + "q" * 40
