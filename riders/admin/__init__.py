from riders.admin import documents, earnings, incentives, privacy, riders, shifts  # noqa: F401
