"""Each item counts once, by its final remedy (SQL over ``views.trace_items``).

An item's counters say what happened to it (``exchanged``, ``returned``,
``refunds``); its final remedy is decided from them in this order:

* **exchange**: a replacement was shipped (``ReplacementShipped``), even if the
  faulty unit then came back (``ReturnReceived``): taking back the faulty unit
  is part of the exchange, not a return;
* **return**: refunded without a replacement (包退: goods back, money back);
* otherwise repair or no remedy yet: goods received back but not yet refunded
  are a return still being settled, and are not counted as one.

Summing the counters instead counted an exchange whose faulty unit came back
as both an exchange and a return.
"""

EXCHANGES = "count(*) FILTER (WHERE exchanged > 0)"
RETURNS = "count(*) FILTER (WHERE exchanged = 0 AND refunds > 0)"
SENT_BACK = "(exchanged > 0 OR refunds > 0)"
