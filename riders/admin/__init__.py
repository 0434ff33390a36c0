from riders.admin import documents, earnings, incentives, riders, shifts  # noqa: F401
