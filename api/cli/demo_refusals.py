"""The walk-through's refused commands, printed as the problem a user of the API sees (in
Chinese as a caller asking for ``Accept-Language: zh-CN`` sees it)."""

from __future__ import annotations

import json

from api.cli.demo import DemoRefusal
from api.cli.language import cli_language
from api.cli.messages import t
from api.cli.terminal import console
from api.command_table import COMMAND_TABLE
from api.http.problem_language import ZH, in_language
from api.http.problems import INTERNAL, problem_body, problem_type

ACTIONS = {entry.method: entry.action for entry in COMMAND_TABLE}


def print_refusals(refusals: list[DemoRefusal]) -> None:
    """One problem document per refusal, after the command that was refused."""
    if not refusals:
        return
    console.print(t("demo.refused", count=len(refusals)))
    for refusal in refusals:
        if refusal.method is None:
            instance, shown = "/api/v1/claims", "POST /claims"
        else:
            action = ACTIONS[refusal.method]
            instance, shown = f"/api/v1/claims/{refusal.claim_id}/{action}", f"POST …/{action}"
        body = problem_body(refusal.error, problem_type(refusal.error) or INTERNAL, instance)
        if cli_language() == "zh":
            body = in_language(body, ZH)
        console.print(f"  {refusal.claim_number}  {shown}")
        console.print(json.dumps(body, ensure_ascii=False, indent=2), markup=False, soft_wrap=True)
