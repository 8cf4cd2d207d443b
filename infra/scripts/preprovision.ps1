# azd preprovision hook (Windows): same check as preprovision.sh. Every resource provider the deployment needs
# must be registered before `azd provision`; this hook reads the registration state and prints the exact
# 'az provider register' commands for what is missing. It registers nothing itself.
$ErrorActionPreference = 'Stop'

# Deployment subscription (AZURE_SUBSCRIPTION_ID): everything infra/main.bicep and infra/events.bicep deploy.
$DeploymentProviders = 'Microsoft.App', 'Microsoft.Authorization', 'Microsoft.EventGrid', 'Microsoft.Insights', 'Microsoft.ManagedIdentity', 'Microsoft.OperationalInsights', 'Microsoft.Resources', 'Microsoft.Storage', 'Microsoft.Web'
# Every monitored subscription (LINKGATE_SUBSCRIPTIONS).
$MonitoredProviders = 'Microsoft.Authorization', 'Microsoft.EventGrid', 'Microsoft.Resources'
# Monitored subscriptions too, when LINKGATE_ENABLE_RESOURCE_NOTIFICATIONS is true.
$NotificationProviders = 'Microsoft.ResourceNotifications'

function Fail([string]$message) {
  Write-Error "linkgate preprovision: $message"
  exit 1
}

$deployment = $env:AZURE_SUBSCRIPTION_ID
if ([string]::IsNullOrEmpty($deployment)) { Fail "AZURE_SUBSCRIPTION_ID is not set; run 'azd env set AZURE_SUBSCRIPTION_ID <subscription-id>'." }
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Fail "the Azure CLI (az) is not installed; linkgate's hooks use it (https://aka.ms/azure-cli). Install it, run 'az login', then 'azd provision'."
}
az account show --only-show-errors -o none 2>$null
if ($LASTEXITCODE -ne 0) { Fail "the Azure CLI is not signed in; run 'az login' (same tenant as azd), then 'azd provision'." }

$monitored = @("$($env:LINKGATE_SUBSCRIPTIONS)" -split '[,; ]+' | Where-Object { $_ })
if ($monitored.Count -eq 0) { $monitored = @($deployment) }
$notifications = "$($env:LINKGATE_ENABLE_RESOURCE_NOTIFICATIONS)".ToLowerInvariant() -eq 'true'

$missing = @()
function Check([string]$subscription, [string]$namespace) {
  $state = az provider show --only-show-errors --subscription $subscription --namespace $namespace --query registrationState -o tsv 2>$null
  if ($LASTEXITCODE -ne 0 -or -not $state) { $state = 'unknown' }
  if ($state -ne 'Registered') {
    Write-Warning "linkgate preprovision: $namespace is $state in subscription $subscription"
    $script:missing += "  az provider register --subscription $subscription --namespace $namespace --wait"
  }
}

foreach ($ns in $DeploymentProviders) { Check $deployment $ns }
foreach ($sub in $monitored) {
  foreach ($ns in $MonitoredProviders) { Check $sub $ns }
  if ($notifications) { foreach ($ns in $NotificationProviders) { Check $sub $ns } }
}

if ($missing.Count -gt 0) {
  Fail ("resource providers are not registered. Run (once per subscription; it needs Owner or Contributor there):`n" + ($missing -join "`n") + "`nthen 'azd provision' again.")
}
Write-Host 'linkgate preprovision: every resource provider linkgate needs is registered.'
