"""Prometheus metrics: requests and latency by route template, commands, refusals, view lag.

Each app has its own registry, so several apps (tests) never collide. With
``--workers N`` each worker reports its own counts (scrape them per worker, or
run one worker per container).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

COMMAND_PREFIX = "/api/v1/claims"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
        self.projection_lag = Gauge(
            "sanbao_projection_lag",
            "Ledger positions the slowest view is behind the head",
            registry=self.registry,
        )

    def observe(
        self, method: str, route: str, status: int, seconds: float, problem: str | None
    ) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if problem is not None:
            self.refusals.labels(problem).inc()
        elif method == "POST" and status < 300 and route.startswith(COMMAND_PREFIX):
            command = route.rsplit("/", 1)[-1] if route != COMMAND_PREFIX else "report"
            self.commands.labels(command).inc()
