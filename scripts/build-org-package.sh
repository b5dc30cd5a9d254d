#!/usr/bin/env bash
# Builds the org package from trunk's dist/ (org/build.mjs: the Visualforce page, the static
# resource, the Call Center and the CSP Trusted Sites, with the deployment configuration the
# phone trusts), then converts it to Metadata API form in org/mdapi (what a deploy sends).
# Offline: no org is contacted. Arguments go to org/build.mjs, e.g.
#   scripts/build-org-package.sh --org-url https://acme.my.salesforce.com --definition my-callcenter.xml
set -euo pipefail
cd "$(dirname "$0")/.."
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true
sf=$PWD/org/cli/node_modules/.bin/sf
[ -x "$sf" ] || { echo "build-org-package: the Salesforce CLI is not installed: run scripts/setup.sh" >&2; exit 1; }
node org/build.mjs "$@"
rm -rf org/mdapi
# sf spawns itself by name for some hooks: put ours first on PATH.
(cd org && PATH="$(dirname "$sf"):$PATH" "$sf" project convert source --root-dir force-app --output-dir mdapi >/dev/null)
echo "org package: Metadata API form in org/mdapi ($(grep -c '<members>' org/mdapi/package.xml) components)"
