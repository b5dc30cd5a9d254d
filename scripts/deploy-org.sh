#!/usr/bin/env bash
# Installs the softphone into a Salesforce org with one command:
#   scripts/deploy-org.sh --target-org ALIAS --definition my-callcenter.xml [--org-origin URL]... [--trusted-site URL]...
# Log in once before (sf org login web --alias ALIAS; org/cli/node_modules/.bin/sf is the pinned CLI).
# It builds the app (scripts/build-release.sh), builds the org package for that org (its My Domain
# from `sf org display`, the PBX origins from the definition), and deploys it, running the
# package's Apex tests. Nothing else in the org is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true
sf=$PWD/org/cli/node_modules/.bin/sf
[ -x "$sf" ] || { echo "deploy-org: the Salesforce CLI is not installed: run scripts/setup.sh" >&2; exit 1; }
export PATH="$(dirname "$sf"):$PATH"

target_org= definition= passthrough=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target-org) target_org=${2:?--target-org needs a value}; shift 2 ;;
    --definition) definition=${2:?--definition needs a value}; shift 2 ;;
    --org-origin|--trusted-site) passthrough+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    *) echo "deploy-org: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$target_org" ] && [ -n "$definition" ] || {
  echo "usage: scripts/deploy-org.sh --target-org ALIAS --definition FILE [--org-origin URL]... [--trusted-site URL]..." >&2; exit 2; }
if grep -q 'example\.com' "$definition"; then
  echo "deploy-org: $definition still has example.com placeholders: fill in your PBX and SIP domain" >&2; exit 2
fi

echo "deploy-org: building the softphone (scripts/build-release.sh)"
scripts/build-release.sh >/dev/null
org_url=$("$sf" org display --target-org "$target_org" --json | node -e '
  let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
    const url = JSON.parse(s).result?.instanceUrl;
    if (!url) { console.error("deploy-org: sf org display gave no instanceUrl"); process.exit(1); }
    console.log(url);
  });')
echo "deploy-org: org $target_org is $org_url"
scripts/build-org-package.sh --org-url "$org_url" --definition "$definition" "${passthrough[@]}"
(cd org && "$sf" project deploy start --source-dir force-app --target-org "$target_org" \
  --test-level RunSpecifiedTests --tests SoftphoneCallLogTest --tests SoftphoneCredentialsTest --wait 30)
cat <<MSG
deploy-org: done. Next, in the org:
  - give agents the permission set:  $sf org assign permset --name Softphone_Agent --target-org $target_org --on-behalf-of USER
  - sign them in with Salesforce (credentials org): the secret record and each user's
    Softphone Extension, with the Softphone_Admin permission set (README, "Signing in with Salesforce")
  - Setup > Call Centers > $(sed -n 's:.*name="reqInternalName"[^>]*>\([^<]*\)<.*:\1:p' "$definition") > Manage Call Center Users: add them
  - Setup > App Manager > your Lightning app > Utility Items: add Open CTI Softphone
  - supervisors, for the Softphone Reports and the Softphone go/no-go dashboard:
    $sf org assign permset --name Softphone_Supervisor --target-org $target_org --on-behalf-of USER
MSG
