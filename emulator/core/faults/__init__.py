"""Fault injection: rules (`rules.py`), their effects on provider requests (`requests.py`) and on
webhook deliveries (`deliveries.py`)."""
