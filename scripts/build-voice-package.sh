#!/usr/bin/env bash
# Builds the Salesforce Voice package from the built connector (scripts/build-connector.sh:
# dist-connector/) and a contact center file (org/voice/build.mjs: the connector and login
# Visualforce pages, the static resource, the CSP Trusted Sites, the checked contact center file),
# then converts it to Metadata API form in org/voice/mdapi (what a deploy sends). Offline: no org is
# contacted. Arguments go to org/voice/build.mjs, e.g.
#   scripts/build-voice-package.sh --org-url https://acme.my.salesforce.com --org-id 00D... --contact-center my-contact-center.xml
set -euo pipefail
cd "$(dirname "$0")/.."
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_DISABLE_AUTOUPDATE=true SF_SKIP_NEW_VERSION_CHECK=true
sf=$PWD/org/cli/node_modules/.bin/sf
[ -x "$sf" ] || { echo "build-voice-package: the Salesforce CLI is not installed: run scripts/setup.sh" >&2; exit 1; }
node org/voice/build.mjs "$@"
rm -rf org/voice/mdapi
(cd org/voice && PATH="$(dirname "$sf"):$PATH" "$sf" project convert source --root-dir force-app --output-dir mdapi >/dev/null)
echo "voice package: Metadata API form in org/voice/mdapi ($(grep -c '<members>' org/voice/mdapi/package.xml) components)"
