// linkgate: stage 1 of `azd up` (azd provision). Creates the app's resource group and everything in it, the
// least-privilege role and its assignments on every monitored subscription, and the Event Grid system topics.
// The event subscriptions that point at the function are stage 2 (infra/events.bicep, run by the azd postdeploy
// hook), because Event Grid refuses an AzureFunction endpoint until the function exists, and the function only
// exists once `azd deploy` has published the code. See docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; used in resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for the resource group and regional resources (Flex Consumption must be available there).')
param location string

@description('Subscription IDs linkgate approves and sweeps in, separated by commas, semicolons or spaces. Empty: the deployment subscription only.')
param monitoredSubscriptionIds string = ''

@description('Resource IDs of existing Microsoft.Resources.Subscriptions system topics to reuse (only one may exist per subscription), separated by commas. Monitored subscriptions without one get a new topic.')
param existingSystemTopicIds string = ''

@description('Also subscribe to Azure Resource Notifications (Microsoft.ResourceNotifications.Resources) CreatedOrUpdated events. They cannot be filtered by operation, so every resource write in a monitored subscription reaches the function: off by default.')
param enableResourceNotifications bool = false

@description('Email address for linkgate alerts. Empty: the action group has no receiver until you add one.')
param alertEmail string = ''

@description('Path of the policy file inside the deployed package, relative to the app root. Default: the starter policy (audit mode, approves nothing).')
param policyFile string = 'policy.yaml'

@description('NCRONTAB (six fields) for the sweep timer.')
param sweepSchedule string = '0 */15 * * * *'

@description('Optional management group ID whose subscriptions the sweep covers through Resource Graph.')
param managementGroupId string = ''

@description('Assign Reader on monitored subscriptions for Azure Resource Graph. The custom role already reads every type linkgate queries; set false if Reader is broader than you accept.')
param assignReader bool = true

@description('Name of the Table Storage table that keeps finding state between sweeps.')
param findingsTableName string = 'linkgateFindings'

@description('Name of the Table Storage table that holds the per-target approval locks.')
param lockTableName string = 'linkgateLocks'

@description('Storage queue the sharded sweep fans its shards out on (LINKGATE_SWEEP_QUEUE).')
param sweepQueueName string = 'linkgate-sweep-shards'

@minValue(0)
@maxValue(200)
@description('Subscriptions per sweep shard (LINKGATE_SWEEP_SHARD_SIZE): 0 sweeps in one instance; above 0 the timer fans the sweep out over the queue.')
param sweepShardSize int = 0

@minValue(40)
@maxValue(1000)
@description('Flex Consumption maximum instance count: 40 (the lowest maximum the platform accepts) to 1000.')
param maximumInstanceCount int = 40

var tags = {
  'azd-env-name': environmentName
  application: 'linkgate'
}
var token = toLower(uniqueString(subscription().id, environmentName, location))
var requested = filter(
  map(split(replace(replace(monitoredSubscriptionIds, ';', ','), ' ', ','), ','), id => toLower(trim(id))),
  id => !empty(id)
)
var monitored = empty(requested) ? [subscription().subscriptionId] : union(requested, [])
var reusedTopics = filter(map(split(existingSystemTopicIds, ','), id => trim(id)), id => !empty(id))
// Keyed by subscription ID (segment 2 of a resource ID), computed here because loop bodies avoid lambdas.
var reusedTopicBySubscription = toObject(reusedTopics, id => toLower(split(id, '/')[2]), id => id)
var deploymentContainerName = 'app-package-${token}'
var deadLetterContainerName = 'eventgrid-deadletter'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-linkgate-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stlg${token}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    findingsTableName: findingsTableName
    lockTableName: lockTableName
    sweepQueueName: sweepQueueName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-linkgate-${token}'
    appInsightsName: 'appi-linkgate-${token}'
    location: location
    tags: tags
  }
}

module appRbac 'modules/appRbac.bicep' = {
  name: 'app-rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageName: storage.outputs.name
    findingsTableName: storage.outputs.findingsTableName
    lockTableName: storage.outputs.lockTableName
    sweepQueueName: storage.outputs.sweepQueueName
    sweepPoisonQueueName: storage.outputs.sweepPoisonQueueName
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  scope: rg
  // The host starts as soon as the app exists: its storage and telemetry roles must already be in place.
  dependsOn: [
    appRbac
  ]
  params: {
    planName: 'plan-linkgate-${token}'
    appName: 'func-linkgate-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    linkgateSettings: {
      LINKGATE_POLICY_FILE: policyFile
      LINKGATE_SUBSCRIPTIONS: join(monitored, ',')
      LINKGATE_MANAGEMENT_GROUP: managementGroupId
      LINKGATE_SWEEP_SCHEDULE: sweepSchedule
      LINKGATE_FINDINGS_TABLE: findingsTableName
      LINKGATE_LOCK_TABLE: lockTableName
      LINKGATE_SWEEP_QUEUE: storage.outputs.sweepQueueName
      LINKGATE_SWEEP_SHARD_SIZE: string(sweepShardSize)
    }
  }
}

// Deployments at subscription scope share one namespace per subscription and keep their first location: their
// names carry the environment (and a hash of environment + location) so that a second environment, or this one
// moved to another region, never reuses a name (InvalidDeploymentLocation).
var subscriptionDeploymentSuffix = '${take(environmentName, 24)}-${uniqueString(environmentName, location)}'

module customRole 'modules/customRole.bicep' = {
  name: 'linkgate-role-${subscriptionDeploymentSuffix}'
  params: {
    environmentName: environmentName
    assignableSubscriptionIds: monitored
  }
}

module monitoredSubscriptions 'modules/monitoredSubscription.bicep' = [
  for subscriptionId in monitored: {
    name: 'linkgate-sub-${take(environmentName, 24)}-${uniqueString(subscriptionId, environmentName, location)}'
    scope: subscription(subscriptionId)
    params: {
      environmentName: environmentName
      location: location
      tags: tags
      principalId: identity.outputs.principalId
      customRoleName: customRole.outputs.name
      assignReader: assignReader
      existingSystemTopicId: contains(reusedTopicBySubscription, subscriptionId)
        ? reusedTopicBySubscription[subscriptionId]
        : ''
      enableResourceNotifications: enableResourceNotifications
    }
  }
]

module subscriptionTopicDeadLetter 'modules/deadLetterAccess.bicep' = [
  for (subscriptionId, i) in monitored: {
    name: 'deadletter-arm-${uniqueString(subscriptionId, environmentName)}'
    scope: rg
    params: {
      principalId: monitoredSubscriptions[i].outputs.subscriptionTopicPrincipalId
      storageName: storage.outputs.name
      deadLetterContainerName: storage.outputs.deadLetterContainerName
    }
  }
]

module notificationsTopicDeadLetter 'modules/deadLetterAccess.bicep' = [
  for (subscriptionId, i) in monitored: if (enableResourceNotifications) {
    name: 'deadletter-arn-${uniqueString(subscriptionId, environmentName)}'
    scope: rg
    params: {
      principalId: monitoredSubscriptions[i].outputs.notificationsTopicPrincipalId
      storageName: storage.outputs.name
      deadLetterContainerName: storage.outputs.deadLetterContainerName
    }
  }
]

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    alertEmail: alertEmail
    actionGroupName: 'ag-linkgate-${token}'
    sweepSchedule: sweepSchedule
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    environmentName: environmentName
  }
}

// azd stores these outputs in the environment (.azure/<env>/.env); the postdeploy hook reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_ID string = functionApp.outputs.id
output LINKGATE_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output LINKGATE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output LINKGATE_CUSTOM_ROLE_ID string = customRole.outputs.id
output LINKGATE_MONITORED_SUBSCRIPTIONS string = join(monitored, ',')
// A for-expression is only allowed as the whole value of an output (BCP138), so the module collection is mapped.
output LINKGATE_SYSTEM_TOPIC_IDS string = join(map(monitoredSubscriptions, m => m.outputs.subscriptionTopicId), ',')
output LINKGATE_NOTIFICATION_TOPIC_IDS string = enableResourceNotifications
  ? join(map(monitoredSubscriptions, m => m.outputs.notificationsTopicId), ',')
  : ''
output LINKGATE_DEADLETTER_STORAGE_ID string = storage.outputs.id
output LINKGATE_DEADLETTER_CONTAINER string = storage.outputs.deadLetterContainerName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
output LINKGATE_WORKBOOK_ID string = workbook.outputs.id
output LINKGATE_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
