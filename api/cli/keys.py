"""``sanbao keys``: the personal-data master key and the table of customers' keys.

Run with the service stopped: processes still holding the old master key could
no longer open customers' keys once they are re-wrapped. Every message is given
in English and in Chinese.
"""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.ledger_session import ledger_session
from api.cli.terminal import console
from api.settings import get_settings
from domain.application import ClaimsLedger
from storage.customer_keys import PostgresCustomerKeys
from storage.key_files import PERSONAL_DATA_KEY_FILE, rotate_master_key

app = typer.Typer(help="The personal-data master key: rotate it, purge old key versions.")

NOT_PURGED = (
    "[red]warning:[/red] the old row versions were not purged: only the owner of "
    "privacy.customer_keys may rewrite it, once every older transaction ended; run "
    "`sanbao keys purge` as that role\n"
    "[red]警告：[/red]旧的行版本未清除：只有 privacy.customer_keys 的所有者可以重写该表，"
    "且须等更早的事务全部结束；请以该角色运行 `sanbao keys purge`"
)


def customer_keys(ledger: ClaimsLedger) -> PostgresCustomerKeys:
    keys = ledger.customer_keys
    assert isinstance(keys, PostgresCustomerKeys), "the service keeps keys in PostgreSQL"
    return keys


@app.command("rotate-master")
def rotate_master() -> None:
    """Re-wrap every customer's key under a new master key (stop the service first)."""
    settings = get_settings()
    key_file = None if settings.personal_data_key else settings.data_dir / PERSONAL_DATA_KEY_FILE
    with ledger_session() as ledger:
        try:
            rotation = rotate_master_key(customer_keys(ledger), key_file)
        except ValueError as refusal:
            console.print(f"[red]error:[/red] {refusal}\n[red]错误：[/red]轮换未进行：{refusal}")
            raise typer.Exit(code=1) from None
    if rotation.resumed:
        console.print(
            "an interrupted rotation had re-wrapped the keys: its new key file is now in use\n"
            "上次中断的轮换已重新封装全部密钥：其新的主密钥文件现已启用"
        )
    else:
        console.print(
            f"{rotation.rewrapped} customers' keys re-wrapped under a new master key\n"
            f"已用新的主密钥重新封装 {rotation.rewrapped} 个客户密钥"
        )
    if not rotation.purged:
        console.print(NOT_PURGED)
    if rotation.new_key_text is None:
        console.print(
            f"the key file in {settings.data_dir} was replaced; the old key is gone\n"
            f"{settings.data_dir} 中的密钥文件已替换，旧主密钥已销毁"
        )
    else:
        console.print(
            "set SANBAO_PERSONAL_DATA_KEY to this new key (shown once) and restart:\n"
            "请将 SANBAO_PERSONAL_DATA_KEY 设为以下新密钥（仅显示一次）并重启服务："
        )
        print(rotation.new_key_text)


@app.command("purge")
def purge(
    wait: Annotated[
        float, typer.Option(min=0, help="seconds to wait for older transactions to end")
    ] = 120.0,
) -> None:
    """Rewrite the table of customers' keys so no old row version (an erased key) remains."""
    with ledger_session() as ledger:
        purged = customer_keys(ledger).purge_old_versions(wait)
    if not purged:
        console.print(NOT_PURGED)
        raise typer.Exit(code=1)
    console.print(
        "privacy.customer_keys rewritten: no old row version remains in its file\n"
        "privacy.customer_keys 已重写：表文件中不再留有旧的行版本"
    )
