"""社区活动: plans, preparation, attendance, photos, statistics."""
