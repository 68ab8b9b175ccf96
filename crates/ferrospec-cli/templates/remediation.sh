#!/bin/sh
# Fixes the failed controls{% if profiles %} of profile {{ profiles }}{% endif %} (written by `ferrospec remediate --format sh`):
# appends each missing audit rule to its drop-in file, then loads each missing rule. Running it
# again changes nothing.
set -eu
{% if immutable %}
# The loaded rules are immutable (`auditctl -s` shows `enabled 2`): the auditctl commands below
# fail until the next boot, which loads the persisted rules anyway.
{% endif -%}
{% for f in files %}
file={{ f.path | sh }}
if [ ! -e "$file" ]; then
  install -m 0640 -o root -g root /dev/null "$file"
elif [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then
  echo >> "$file"
fi
{% for line in f.lines -%}
grep -qxF -- {{ line | sh }} "$file" || printf '%s\n' {{ line | sh }} >> "$file"
{% endfor -%}
{% endfor -%}
{% if loads %}
{% for l in loads -%}
auditctl -l | grep -qxF -- {{ l.listing | sh }} || auditctl {{ l.command }}
{% endfor -%}
{% endif -%}
{% if not files and not loads %}
# Nothing to do: every failed control's rules are already persisted and loaded.
{% endif -%}
