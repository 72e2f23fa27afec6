"""The 社区活动 tab and its pages."""
