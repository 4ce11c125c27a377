# Notice tests: web hooks, e-mail, the after-import command, settings and
# --detach, against receivers on 127.0.0.1 (tests/notify_receiver.py).
# Included from the top Makefile.am.
NOTIFY_TESTS = \
	tests/cli/notify-webhook-retried-signed-once.sh \
	tests/cli/notify-email-smtp-and-sendmail.sh \
	tests/cli/notify-after-import-command.sh \
	tests/cli/notify-settings-and-config.sh \
	tests/cli/notify-detached-import.sh

TESTS += $(NOTIFY_TESTS)
EXTRA_DIST += $(NOTIFY_TESTS) tests/cli/notify-lib.sh tests/notify_receiver.py tests/mail_check.py
