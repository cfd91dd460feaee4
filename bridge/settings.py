"""One typed settings object, read from `CUSTOMER_CHAT_*` variables and `.env`."""

from __future__ import annotations

import contextlib
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 43  # 32 random bytes, URL-safe base64
SAMPLES = {"changeme", "secret", "change-me-to-a-long-random-secret", "your-secret-key"}


class Settings(BaseSettings):
    """Everything a process of customer-chat can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="CUSTOMER_CHAT_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Path("var")
    log_dir: Path = Path("logs")
    database_url: str | None = None
    archive_database_url: str | None = None
    archive_encryption_keys: str | None = None
    archive_after: str = "7d"
    xmpp_domain: str = "chat.localhost"
    xmpp_host: str = "127.0.0.1"
    xmpp_bind: str = "127.0.0.1"
    xmpp_internal_bind: str = "127.0.0.1"
    xmpp_port: int = 5222
    xmpp_http_port: int = 5280
    xmpp_component_port: int = 5347
    xmpp_admin_port: int = 5281
    websocket_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, validation_alias=AliasChoices("CUSTOMER_CHAT_PORT", "PORT"))
    api_internal_url: str | None = None
    public_url: str | None = None
    invitation_days: int = 7
    secret_key: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    encryption_keys: str | None = None
    allowed_origins: str = ""
    ejabberdctl: str = "/usr/sbin/ejabberdctl"
    ejabberd_node: str = "customerchat@localhost"
    # This node's config, spool and logs (default DATA_DIR/ejabberd); a second node
    # on the same host needs its own.
    ejabberd_dir: Path | None = None
    # ejabberd's MAM database (TCP); default: an embedded server of its own beside the
    # embedded product database, else `<live database>_ejabberd` on the live server.
    ejabberd_database_url: str | None = None
    demo: bool = True
    bot_enabled: bool = True
    embedder: str = "e5-small-q4"
    embeddings_url: str | None = None
    embeddings_model: str = "text-embedding-3-small"
    embeddings_api_key: str | None = None
    # The assistant's LLM: none by default (extractive answers). SecretStr: the key is never shown.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_azure_endpoint: str | None = None
    llm_azure_deployment: str | None = None
    llm_api_version: str = "2024-10-21"
    llm_timeout_seconds: float = Field(default=20.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    # Lets a Prometheus on another host scrape /metrics (without it: this machine only).
    metrics_token: SecretStr | None = None

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: str | None) -> str | None:
        # A token key from a sample file or a short one would let anyone mint tokens.
        if value is not None and (len(value) < MIN_SECRET_LENGTH or value.lower() in SAMPLES):
            raise ValueError(
                "CUSTOMER_CHAT_SECRET_KEY must be at least 43 random characters (256 bits), "
                "not a sample value; leave it unset to have one generated"
            )
        return value

    @property
    def component_jid(self) -> str:
        """The bridge's component address."""
        return f"support.{self.xmpp_domain}"

    @property
    def muc_service(self) -> str:
        """The MUC service holding one room per chat."""
        return f"conference.{self.xmpp_domain}"

    @property
    def tls(self) -> bool:
        """Whether the api and ejabberd serve TLS (a certificate and key are configured)."""
        return self.tls_cert is not None and self.tls_key is not None

    @property
    def public_websocket_url(self) -> str:
        """Where browsers open XMPP over WebSocket."""
        scheme = "wss" if self.tls else "ws"
        return self.websocket_url or f"{scheme}://127.0.0.1:{self.xmpp_http_port}/xmpp-websocket"

    @property
    def site_url(self) -> str:
        """Where customers reach the pages (invitation links point here)."""
        return (self.public_url or f"{self._scheme}://127.0.0.1:{self.port}").rstrip("/")

    @property
    def api_url(self) -> str:
        """The api as ejabberd's extauth and `run` reach it."""
        return self.api_internal_url or f"{self._scheme}://127.0.0.1:{self.port}"

    @property
    def _scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def web_origins(self) -> list[str]:
        """Origins allowed to open the WebSocket: the api's own pages and configured ones."""
        own = [f"{self._scheme}://127.0.0.1:{self.port}", f"{self._scheme}://localhost:{self.port}"]
        configured = [o.strip().lower() for o in self.allowed_origins.split(",") if o.strip()]
        return own + configured

    @cached_property
    def jwt_secret(self) -> str:
        """The token signing key: configured, or generated once into the data dir."""
        return self.secret_key or read_or_create_secret(self.data_dir / "secrets" / "jwt")

    @cached_property
    def component_secret(self) -> str:
        """The shared secret between ejabberd and the bridge component."""
        return read_or_create_secret(self.data_dir / "secrets" / "component")

    @cached_property
    def bot_password(self) -> str:
        """The XMPP password of the bot accounts, generated once into the data dir."""
        return read_or_create_secret(self.data_dir / "secrets" / "bots")

    @cached_property
    def extauth_secret(self) -> str:
        """The shared secret the extauth program presents to the api."""
        return read_or_create_secret(self.data_dir / "secrets" / "extauth")


def read_or_create_secret(path: Path) -> str:
    """Return the secret stored at `path`, creating 256 random bits there first if needed."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        candidate = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        candidate.write_text(secrets.token_urlsafe(32))
        candidate.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process won: use theirs
            path.hardlink_to(candidate)
        candidate.unlink()
    return path.read_text().strip()
