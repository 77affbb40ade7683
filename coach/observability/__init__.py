"""What an operator watches: structured logs without personal data, and Prometheus metrics."""
