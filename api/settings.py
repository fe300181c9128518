"""The one reader of the environment: every setting of the service, in one object."""

from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration from environment variables (prefix ``SANBAO_``) or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="SANBAO_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="PostgreSQL URL; without it an embedded PostgreSQL is started",
    )
    database_read_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_READ_URL",
        description="a hot standby of DATABASE_URL (PostgreSQL streaming replication) that "
        "answers the view queries; unset: the views are read from DATABASE_URL",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("sanbao", appauthor=False)),
        description="where the embedded PostgreSQL and the generated keys are kept",
    )
    embedded_pgdata: Path | None = Field(
        default=None,
        description="set by `sanbao serve` for its workers: DATABASE_URL is the embedded server",
    )
    pool_size: int = Field(default=5, ge=1, description="connections kept per process")
    max_backdate_days: int = Field(
        default=30, ge=0, description="how far back a caller may date a business fact"
    )
    clock_skew_seconds: int = Field(
        default=300,
        ge=0,
        le=3600,
        description="how far ahead of the ledger's clock a caller may date a business fact",
    )
    extra_holidays: list[date] = Field(
        default_factory=list,
        description="operator-declared holidays, for years without official calendar data",
    )
    extra_workdays: list[date] = Field(
        default_factory=list, description="operator-declared adjusted working days (调休)"
    )
    sla_sweep_seconds: float = Field(
        default=60.0, gt=0, description="how often the SLA sweep looks for new breaches"
    )
    sla_escalation: bool = Field(
        default=True, description="whether the SLA sweep escalates the breaches it records"
    )
    read_your_writes_timeout: float = Field(
        default=5.0, ge=0, description="how long a read waits for the views to reach min_position"
    )
    max_position_waiters: int = Field(
        default=64,
        ge=0,
        description="requests per worker that may wait for min_position at once; "
        "beyond, 503 with Retry-After",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="a second port `sanbao serve` listens on (same host), where /metrics and "
        "the detail of /readyz need no token; unset: only a token with metrics:read reads them",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="addresses of the TLS proxies whose X-Forwarded-Proto/For headers "
        "`sanbao serve` trusts (comma-separated; * trusts every client)",
    )
    idempotency_wait_seconds: float = Field(
        default=10.0, gt=0, description="how long a retry waits for the first request to finish"
    )
    idempotency_lease_seconds: float = Field(
        default=60.0, gt=0, description="after this, a request left unfinished may be retried"
    )
    idempotency_retention: timedelta = Field(
        default=timedelta(hours=24),
        gt=timedelta(0),
        description="how long an Idempotency-Key's answer is kept for retries (seconds or "
        "ISO 8601, e.g. 86400 or P1D); after it the key counts as new and its row is deleted",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="the largest request body accepted; a larger one is refused (413)",
    )
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        description="the largest evidence file (photo, video, invoice) accepted; the upload's "
        "request body may be this much larger than max_body_bytes",
    )
    token_cache_seconds: float = Field(
        default=5.0, ge=0, description="how long a verified token is trusted before re-reading"
    )
    sign_in_max_failures: int = Field(
        default=5,
        ge=1,
        le=100,
        description="failed console password sign-ins in a row that lock the user out",
    )
    sign_in_lockout: timedelta = Field(
        default=timedelta(minutes=15),
        gt=timedelta(0),
        description="how long a locked-out user cannot sign in with a password (ISO 8601, seconds)",
    )
    log_level: str = Field(default="INFO", description="level of the JSON logs")
    projections: bool = Field(
        default=True,
        description="run the views, the SLA sweep and the checkpoints: in one companion "
        "process under `sanbao serve`, in the app itself when it is created directly",
    )
    ledger_signing_key: SecretStr | None = Field(
        default=None,
        description="base64 Ed25519 seed signing the ledger's checkpoints; "
        "unset: generated once into data_dir/ledger-signing.key (0600)",
    )
    checkpoint_seconds: float = Field(
        default=60.0, gt=0, description="how often the service signs a checkpoint of the log head"
    )
    checkpoint_events: int = Field(
        default=10_000, ge=1, le=1_000_000, description="at most this many events per checkpoint"
    )
    personal_data_key: SecretStr | None = Field(
        default=None,
        description="master key (32 bytes, base64) wrapping every customer's key; "
        "unset: generated once into <data_dir>/personal-data.key",
    )
    reveal_limit_per_hour: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="how many reveals of personal data one user may make in an hour "
        "(counted in the access log, across every process); beyond it 429 reveal-limit",
    )
    cipher_key: SecretStr | None = Field(
        default=None,
        description="key (16/24/32 bytes, base64) encrypting every stored event payload "
        "with the library's AES-GCM cipher; unset: payloads are not encrypted",
    )
    nats_url: str | None = Field(
        default=None,
        description="NATS server (e.g. nats://127.0.0.1:4222) the background process publishes "
        "the public events to, on JetStream; unset: no publishing",
    )
    nats_stream: str = Field(
        default="SANBAO",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="the JetStream stream the events go to (created when missing)",
    )
    nats_subject_prefix: str = Field(
        default="sanbao.claims",
        pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$",
        description="events are published on <prefix>.<event type>",
    )
    webhook_key: SecretStr | None = Field(
        default=None,
        description="key (32 bytes, base64) sealing the webhooks' signing secrets; "
        "unset: generated once into <data_dir>/webhook-secrets.key",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="how long a webhook receiver may take to answer"
    )
    webhook_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        description="the first retry's delay after a failed delivery; each next one doubles",
    )
    webhook_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="the longest delay between two delivery attempts"
    )
    webhook_disable_after: timedelta = Field(
        default=timedelta(days=3),
        gt=timedelta(0),
        description="a subscription failing this long (seconds or ISO 8601, e.g. P3D) is disabled",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="allow webhook URLs on loopback and private networks (tests, an on-site "
        "receiver); otherwise such URLs are refused",
    )

    @field_validator("idempotency_retention", "webhook_disable_after", mode="before")
    @classmethod
    def seconds_as_duration(cls, value: object) -> object:
        """A plain number of seconds (``86400``) is a duration too, not only ``P1D``."""
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return int(value.strip())
        return value

    @field_validator("personal_data_key", "cipher_key")
    @classmethod
    def check_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """A bad key stops the service at start-up, not at the first claim."""
        if value is not None:
            sizes = (32,) if info.field_name == "personal_data_key" else (16, 24, 32)
            try:
                size = len(base64.b64decode(value.get_secret_value(), validate=True))
            except binascii.Error:
                raise ValueError("must be base64") from None
            if size not in sizes:
                raise ValueError(f"must encode {' or '.join(map(str, sizes))} bytes, not {size}")
        return value


CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
LEDGER_FACTORY_TOPIC = "storage.recorder:LedgerFactory"


def eventsourcing_env(
    database_url: str, pool_size: int, cipher_key: str | None = None
) -> dict[str, str]:
    """Renders a PostgreSQL URL (and the payload cipher's key) as the library's environment.

    The library's PostgreSQL persistence, with the ledger's recorder (group commit,
    one-statement append, hash chain): the database must be migrated first.
    """
    parts = conninfo_to_dict(database_url)
    env = {
        "PERSISTENCE_MODULE": LEDGER_FACTORY_TOPIC,
        "POSTGRES_DBNAME": str(parts.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(parts.get("host") or "localhost"),
        "POSTGRES_PORT": str(parts.get("port") or "5432"),
        "POSTGRES_USER": str(parts.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(parts.get("password") or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_PRE_PING": "n",
        "AGGREGATE_CACHE_MAXSIZE": "2000",
    }
    if cipher_key:
        # The library's AES-GCM cipher on the cryptography package (its default topic
        # needs pycryptodome): every stored event and snapshot payload is encrypted.
        env["CIPHER_TOPIC"] = CIPHER_TOPIC
        env["CIPHER_KEY"] = cipher_key
    return env


@lru_cache
def get_settings() -> Settings:
    return Settings()
