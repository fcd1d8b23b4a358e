"""Reminders (`flask remind`): what is due or overdue for each user on a day (``collect``),
and the message each user with an e-mail address is sent (``mail``); run daily from cron."""
