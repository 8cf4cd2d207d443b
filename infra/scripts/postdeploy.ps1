# azd postdeploy hook (Windows): stage 2 of `azd up`. Same steps as postdeploy.sh: wait until the function
# linkgateEvents exists, then deploy infra/events.bicep to create the Event Grid subscriptions that point at it.
$ErrorActionPreference = 'Stop'

function Fail([string]$message) {
  Write-Error "linkgate postdeploy: $message"
  exit 1
}

$required = 'AZURE_SUBSCRIPTION_ID', 'AZURE_LOCATION', 'AZURE_ENV_NAME', 'AZURE_FUNCTION_APP_ID',
  'LINKGATE_SYSTEM_TOPIC_IDS', 'LINKGATE_DEADLETTER_STORAGE_ID', 'LINKGATE_DEADLETTER_CONTAINER'
foreach ($name in $required) {
  if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
    Fail "$name is not set in the azd environment. Run 'azd provision' (it is an output of infra/main.bicep), then 'azd deploy'."
  }
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Fail "the Azure CLI (az) is not installed; install it (https://aka.ms/azure-cli), run 'az login', then 'azd hooks run postdeploy'."
}
az account show --only-show-errors -o none 2>$null
if ($LASTEXITCODE -ne 0) { Fail "the Azure CLI is not signed in; run 'az login' (same tenant as azd), then 'azd hooks run postdeploy'." }

$appId = $env:AZURE_FUNCTION_APP_ID
$waitSeconds = if ($env:LINKGATE_FUNCTION_WAIT_SECONDS) { [int]$env:LINKGATE_FUNCTION_WAIT_SECONDS } else { 300 }
$deadline = (Get-Date).AddSeconds($waitSeconds)
Write-Host "linkgate postdeploy: waiting for function linkgateEvents (up to ${waitSeconds}s)"
while ($true) {
  $found = az rest --method get --only-show-errors --url "$appId/functions?api-version=2024-04-01" `
    --query "value[?ends_with(name, '/linkgateEvents')].name" -o tsv 2>$null
  if ($LASTEXITCODE -eq 0 -and $found) { break }
  if ((Get-Date) -ge $deadline) {
    Fail "function linkgateEvents did not appear on $appId within ${waitSeconds}s. Check the deployment in the portal (Functions list, Log stream) or 'azd deploy --debug', then 'azd hooks run postdeploy'."
  }
  Start-Sleep -Seconds 10
}

# A subscription-scope deployment name keeps its first location: name it per environment AND location, so that a
# second environment or a region change never hits InvalidDeploymentLocation (ARM allows 64 characters).
$deploymentName = "lgev-$($env:AZURE_ENV_NAME)-$($env:AZURE_LOCATION)"
if ($deploymentName.Length -gt 64) { $deploymentName = $deploymentName.Substring(0, 64) }
Write-Host 'linkgate postdeploy: creating Event Grid subscriptions (infra/events.bicep)'
az deployment sub create --only-show-errors -o none `
  --subscription $env:AZURE_SUBSCRIPTION_ID `
  --location $env:AZURE_LOCATION `
  --name $deploymentName `
  --template-file infra/events.bicep `
  --parameters `
  "functionAppId=$appId" `
  "systemTopicIds=$($env:LINKGATE_SYSTEM_TOPIC_IDS)" `
  "notificationTopicIds=$($env:LINKGATE_NOTIFICATION_TOPIC_IDS)" `
  "deadLetterStorageId=$($env:LINKGATE_DEADLETTER_STORAGE_ID)" `
  "deadLetterContainerName=$($env:LINKGATE_DEADLETTER_CONTAINER)"
if ($LASTEXITCODE -ne 0) { Fail "the Event Grid deployment failed (see the error above). Fix it and re-run 'azd hooks run postdeploy'." }

Write-Host "linkgate postdeploy: done. Event subscriptions deliver to $appId/functions/linkgateEvents."
