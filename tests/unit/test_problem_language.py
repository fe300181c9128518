"""Every problem answer has its title in Chinese too, and the language follows Accept-Language."""

from __future__ import annotations

import pytest

from api.http.handlers import HTTP_TITLES
from api.http.problem_language import EN, TITLES_ZH, ZH, chosen_language, in_language
from api.http.problems import INTERNAL, PROBLEMS, UNSUPPORTED_MEDIA_TYPE, VALIDATION


def test_every_problem_type_has_a_chinese_title() -> None:
    slugs = {kind.slug for kind in PROBLEMS.values()}
    slugs |= {VALIDATION.slug, INTERNAL.slug, UNSUPPORTED_MEDIA_TYPE.slug}
    slugs |= {title.lower().replace(" ", "-") for title in HTTP_TITLES.values()}
    assert sorted(slugs - set(TITLES_ZH)) == []


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, EN),
        ("", EN),
        ("zh-CN", ZH),
        ("zh-TW,zh;q=0.9", ZH),
        ("en-GB,en;q=0.9,zh-CN;q=0.8", EN),
        ("fr-FR, zh;q=0.7, en;q=0.6", ZH),  # French first, which we do not speak
        ("zh;q=0, en", EN),  # q=0: not acceptable
        ("*", EN),
        ("zh;q=abc, en;q=0.5", EN),
    ],
)
def test_the_language_is_the_first_the_caller_prefers_that_we_speak(
    header: str | None, language: str
) -> None:
    assert chosen_language(header) == language


def test_chinese_takes_the_chinese_detail_and_each_error_s_chinese_reason() -> None:
    body = {
        "type": "urn:sanbao:problem:validation",
        "title": "The request is not valid",
        "detail": "1 invalid value(s) in the request",
        "detail_zh": "请求中有 1 处取值无效",
        "errors": [{"field": "month", "reason": "expected", "reason_zh": "应为"}],
    }
    chinese = in_language(body, ZH)
    assert (chinese["title"], chinese["detail"]) == ("请求无效", "请求中有 1 处取值无效")
    assert chinese["errors"][0] == {"field": "month", "reason": "应为", "reason_zh": "应为"}
    assert in_language(body, EN) == body
