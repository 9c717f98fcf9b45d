"""The Sent folder closes the loop: which replies the author answered, and with what words.

`read` turns a sent message into what matching needs (hashes, recipients, the author's own
words); `match` finds the stored replies it answers; `effects` records the answer (the
reply is answered, the draft's outcome, the answer memory); `sync` reads the folder
incrementally, like the inbox.
"""
