"""Social platforms' answers (Mastodon, Reddit, Bluesky) read as posts, without Scrapy."""
