"""Prometheus metrics: requests and latency by route template, commands, refusals, view lag,
events the views quarantined.

Each app has its own registry, so several apps (tests) never collide. With
``--workers N`` each worker reports its own counts (scrape them per worker, or
run one worker per container).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

COMMAND_PREFIX = "/api/v1/claims"
_Series = tuple[Counter, Histogram, Counter | None]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._series: dict[tuple[str, str, int], _Series] = {}
        self.requests = Counter(
            "sanbao_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sanbao_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.commands = Counter(
            "sanbao_commands",
            "Claim commands accepted, by type",
            ["command"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "sanbao_refusals",
            "Requests refused, by problem type",
            ["reason"],
            registry=self.registry,
        )
        self.replays = Counter(
            "sanbao_idempotent_replays",
            "Answers replayed for a repeated Idempotency-Key (nothing recorded), by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.projection_lag = Gauge(
            "sanbao_projection_lag",
            "Ledger positions the slowest view is behind the head",
            registry=self.registry,
        )
        self.quarantined_events = Gauge(
            "sanbao_quarantined_events",
            "Events the views stepped over as damaged (position and fault in "
            "views.quarantined_events; `sanbao verify` names them)",
            registry=self.registry,
        )

    def observe(
        self,
        method: str,
        route: str,
        status: int,
        seconds: float,
        problem: str | None,
        replayed: bool = False,
    ) -> None:
        """Counts a request; a replayed answer is no command (it recorded nothing)."""
        key = (method, route, status)
        series = self._series.get(key) or self._series.setdefault(key, self._series_of(*key))
        requests, latency, command = series
        requests.inc()
        latency.observe(seconds)
        if problem is not None:
            self.refusals.labels(problem).inc()
        elif replayed:
            self.replays.labels(method, route).inc()
        elif command is not None:
            command.inc()

    def _series_of(self, method: str, route: str, status: int) -> _Series:
        """The counters one kind of request moves (``labels`` costs a lock and a lookup)."""
        command = None
        if method == "POST" and status < 300 and route.startswith(COMMAND_PREFIX):
            name = route.rsplit("/", 1)[-1] if route != COMMAND_PREFIX else "report"
            command = self.commands.labels(name)
        return (
            self.requests.labels(method, route, str(status)),
            self.latency.labels(method, route),
            command,
        )
