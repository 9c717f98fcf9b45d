"""Mail in and out.

The MailSource protocol, IMAP, Maildir and mbox sources, SMTP, composing replies.
"""
