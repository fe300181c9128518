"""The language of a problem answer: Chinese (zh-CN) or English, by ``Accept-Language``.

A caller whose most preferred language the service speaks is Chinese (``zh``,
``zh-CN``, ``zh-Hans``…) reads the ``title`` and ``detail`` in Chinese; everyone
else, and a request without the header, in English. The ``type`` URI, the
``errors`` fields and every machine-readable member stay the same in both, and
``detail_zh`` stays where a problem has it, so a client written against either
language keeps working. The answer says which it chose in ``Content-Language``.
"""

from __future__ import annotations

from typing import Any

ZH = "zh-CN"
EN = "en"

TITLES_ZH = {
    "invalid-input": "取值不符合业务规则",
    "claim-not-found": "没有这个案件",
    "time-order": "事实时间不能早于本案上一事实",
    "out-of-window": "日期超出允许范围",
    "exclusive-parameters": "参数互斥",
    "refund-off-decision": "退款与三包判定不符",
    "quote-off-decision": "报价与三包判定的价格不符",
    "version-not-found": "案件没有这个版本",
    "item-not-found": "案件没有这件商品",
    "lifecycle": "案件当前状态下不能执行此操作",
    "claim-closed": "案件已结案",
    "quote-required": "须先经客户接受报价",
    "confirmation-required": "须经客户确认",
    "override-not-permitted": "只有主管可以强制执行",
    "already-escalated": "已经升级过",
    "policy": "三包政策无法判定",
    "policy-version-not-found": "没有这个政策版本",
    "unknown-category": "政策中没有该类别的规则",
    "remedy-not-allowed": "判定不允许该补救方式",
    "conflict": "并发修改冲突",
    "stale-version": "案件已被修改",
    "duplicate-claim": "案件编号已被另一次报案占用",
    "calendar-data": "工作日历没有该日期的数据",
    "unit-not-found": "没有案件或登记提到该机身",
    "unit-already-registered": "该机身已按其他事实登记",
    "stock-item-not-found": "该仓库未收到过此 SKU 的库存",
    "out-of-stock": "库存数量不足",
    "nothing-reserved": "该商品没有预留的换新件",
    "position-beyond-head": "账本尚无此位置",
    "body-too-large": "请求体过大",
    "already-erased": "已经删除",
    "customer-not-found": "没有这个客户",
    "customer-erased": "客户的个人信息已删除",
    "sealed-data": "个人信息无法解密",
    "reveal-limit": "过去一小时查看个人信息次数过多",
    "ledger-not-intact": "账本不完整",
    "nothing-signed": "账本尚无签名的末端",
    "domain": "业务规则拒绝",
    "not-authenticated": "需要身份认证",
    "permission-denied": "没有权限",
    "unknown-parameter": "接口没有这个查询参数",
    "idempotency-key-reused": "幂等键已用于另一请求",
    "idempotency-in-progress": "使用该幂等键的首个请求仍在处理",
    "idempotency-key-too-long": "幂等键过长",
    "idempotency-recorded": "使用该幂等键的首个请求已记录其事件",
    "webhook-not-found": "没有这个 Webhook 订阅",
    "views-behind": "视图尚未更新",
    "too-many-waiters": "等待视图的请求过多",
    "database-unavailable": "数据库不可用",
    "validation": "请求无效",
    "unsupported-media-type": "请求体须为 JSON",
    "internal": "内部错误",
    "bad-request": "请求有误",
    "not-found": "未找到",
    "method-not-allowed": "不支持该方法",
    "not-acceptable": "无法提供所请求的格式",
    "http-error": "HTTP 错误",
}


def chosen_language(accept_language: str | None) -> str:
    """``zh-CN`` when the first language of ``Accept-Language`` (by its q-values) that the
    service speaks is Chinese; ``en`` otherwise."""
    if not accept_language:
        return EN
    ranked = []
    for order, part in enumerate(accept_language.split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, order, tag.lower()))
    for _, _, tag in sorted(ranked):
        primary = tag.split("-", 1)[0]
        if primary == "zh":
            return ZH
        if primary in ("en", "*"):
            return EN
    return EN


def in_language(body: dict[str, Any], language: str) -> dict[str, Any]:
    """The problem document with its title and detail (and each error's reason, where it has
    one in Chinese) in ``language``."""
    if language != ZH:
        return body
    slug = str(body.get("type", "")).rsplit(":", 1)[-1]
    chosen = dict(body)
    chosen["title"] = TITLES_ZH.get(slug, body.get("title"))
    if body.get("detail_zh"):
        chosen["detail"] = body["detail_zh"]
    errors = body.get("errors")
    if isinstance(errors, list):
        chosen["errors"] = [
            {**e, "reason": e["reason_zh"]} if isinstance(e, dict) and e.get("reason_zh") else e
            for e in errors
        ]
    return chosen
