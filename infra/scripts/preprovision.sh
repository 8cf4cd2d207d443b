#!/bin/sh
# azd preprovision hook: before `azd provision` creates anything, check that every resource provider the
# deployment needs is registered, and say exactly what to run when one is not. ARM registers a provider on first
# use only for the resource types a template declares, and not always in time: Flex Consumption needs
# Microsoft.App, which no template resource names, and a monitored subscription that never used Event Grid fails
# on its system topic. Registering is a one-time, per-subscription step that needs
# Microsoft.Resources/subscriptions/providers/register/action (Owner or Contributor have it); this hook only reads.
# The lists equal the namespaces the templates use plus Microsoft.App (test/unit/infra/providers.test.ts).
set -eu

# Deployment subscription (AZURE_SUBSCRIPTION_ID): everything infra/main.bicep and infra/events.bicep deploy.
DEPLOYMENT_PROVIDERS="Microsoft.App Microsoft.Authorization Microsoft.EventGrid Microsoft.Insights Microsoft.ManagedIdentity Microsoft.OperationalInsights Microsoft.Resources Microsoft.Storage Microsoft.Web"
# Every monitored subscription (LINKGATE_SUBSCRIPTIONS): role assignments, the events resource group, the system
# topic and its event subscriptions.
MONITORED_PROVIDERS="Microsoft.Authorization Microsoft.EventGrid Microsoft.Resources"
# Monitored subscriptions too, when LINKGATE_ENABLE_RESOURCE_NOTIFICATIONS is true.
NOTIFICATION_PROVIDERS="Microsoft.ResourceNotifications"

fail() {
  echo "linkgate preprovision: $*" >&2
  exit 1
}

[ -n "${AZURE_SUBSCRIPTION_ID:-}" ] || fail "AZURE_SUBSCRIPTION_ID is not set; run 'azd env set AZURE_SUBSCRIPTION_ID <subscription-id>'."
command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed; linkgate's hooks use it (https://aka.ms/azure-cli). Install it, run 'az login', then 'azd provision'."
az account show --only-show-errors -o none 2>/dev/null || fail "the Azure CLI is not signed in; run 'az login' (same tenant as azd), then 'azd provision'."

monitored=$(printf '%s' "${LINKGATE_SUBSCRIPTIONS:-}" | tr ',;' '  ')
[ -n "$(printf '%s' "$monitored" | tr -d ' ')" ] || monitored="$AZURE_SUBSCRIPTION_ID"
notifications=$(printf '%s' "${LINKGATE_ENABLE_RESOURCE_NOTIFICATIONS:-false}" | tr 'A-Z' 'a-z')

missing=""
check() { # subscription namespace
  state=$(az provider show --only-show-errors --subscription "$1" --namespace "$2" --query registrationState -o tsv 2>/dev/null || echo "unknown")
  if [ "$state" != "Registered" ]; then
    echo "linkgate preprovision: $2 is ${state:-unknown} in subscription $1" >&2
    missing="$missing
  az provider register --subscription $1 --namespace $2 --wait"
  fi
}

for ns in $DEPLOYMENT_PROVIDERS; do check "$AZURE_SUBSCRIPTION_ID" "$ns"; done
for sub in $monitored; do
  for ns in $MONITORED_PROVIDERS; do check "$sub" "$ns"; done
  if [ "$notifications" = "true" ]; then
    for ns in $NOTIFICATION_PROVIDERS; do check "$sub" "$ns"; done
  fi
done

[ -z "$missing" ] || fail "resource providers are not registered. Run (once per subscription; it needs Owner or Contributor there):$missing
then 'azd provision' again."
echo "linkgate preprovision: every resource provider linkgate needs is registered."
