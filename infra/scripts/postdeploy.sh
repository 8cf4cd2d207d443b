#!/bin/sh
# azd postdeploy hook: stage 2 of `azd up`. Creates (or updates) the Event Grid subscriptions that deliver ARM
# events to the linkgate function, by deploying infra/events.bicep. It runs after `azd deploy` because Event Grid
# validates an AzureFunction endpoint when the subscription is created: the function must exist by then.
# Inputs are azd environment values (outputs of infra/main.bicep), which azd exports to hooks.
# Re-running it is safe: the deployment is idempotent.
set -eu

fail() {
  echo "linkgate postdeploy: $*" >&2
  exit 1
}

for name in AZURE_SUBSCRIPTION_ID AZURE_LOCATION AZURE_ENV_NAME AZURE_FUNCTION_APP_ID LINKGATE_SYSTEM_TOPIC_IDS \
  LINKGATE_DEADLETTER_STORAGE_ID LINKGATE_DEADLETTER_CONTAINER; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || fail "$name is not set in the azd environment. Run 'azd provision' (it is an output of infra/main.bicep), then 'azd deploy'."
done

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed; install it (https://aka.ms/azure-cli), run 'az login', then 'azd hooks run postdeploy'."
az account show --only-show-errors -o none 2>/dev/null || fail "the Azure CLI is not signed in; run 'az login' (same tenant as azd), then 'azd hooks run postdeploy'."

# The Functions host registers `linkgateEvents` a little after the package lands; wait for it.
wait_seconds="${LINKGATE_FUNCTION_WAIT_SECONDS:-300}"
deadline=$(($(date +%s) + wait_seconds))
echo "linkgate postdeploy: waiting for function linkgateEvents on ${AZURE_FUNCTION_APP_ID##*/} (up to ${wait_seconds}s)"
while :; do
  found=$(az rest --method get --only-show-errors \
    --url "${AZURE_FUNCTION_APP_ID}/functions?api-version=2024-04-01" \
    --query "value[?ends_with(name, '/linkgateEvents')].name" -o tsv 2>/dev/null || true)
  [ -n "$found" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "function linkgateEvents did not appear on ${AZURE_FUNCTION_APP_ID} within ${wait_seconds}s. Check the deployment in the portal (Functions list, Log stream) or 'azd deploy --debug', then 'azd hooks run postdeploy'."
  sleep 10
done

# A subscription-scope deployment name keeps its first location: name it per environment AND location, so that a
# second environment or a region change never hits InvalidDeploymentLocation (ARM allows 64 characters).
deployment_name=$(printf '%s' "lgev-${AZURE_ENV_NAME}-${AZURE_LOCATION}" | cut -c1-64)
echo "linkgate postdeploy: creating Event Grid subscriptions (infra/events.bicep)"
az deployment sub create --only-show-errors -o none \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --location "$AZURE_LOCATION" \
  --name "$deployment_name" \
  --template-file infra/events.bicep \
  --parameters \
  functionAppId="$AZURE_FUNCTION_APP_ID" \
  systemTopicIds="$LINKGATE_SYSTEM_TOPIC_IDS" \
  notificationTopicIds="${LINKGATE_NOTIFICATION_TOPIC_IDS:-}" \
  deadLetterStorageId="$LINKGATE_DEADLETTER_STORAGE_ID" \
  deadLetterContainerName="$LINKGATE_DEADLETTER_CONTAINER" ||
  fail "the Event Grid deployment failed (see the error above). Fix it and re-run 'azd hooks run postdeploy'."

echo "linkgate postdeploy: done. Event subscriptions deliver to ${AZURE_FUNCTION_APP_ID##*/}/linkgateEvents."
