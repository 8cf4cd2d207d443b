// Everything linkgate needs in ONE monitored subscription: its roles there (the custom approver role, Reader for
// Resource Graph, Monitoring Reader for metrics) and the Event Grid system topic that reports ARM writes in it.
// Deployed once per monitored subscription, at that subscription's scope.
targetScope = 'subscription'

param environmentName string
param location string
param tags object
param principalId string
@description('Name (GUID) of the linkgate custom role definition; its assignable scopes include this subscription.')
param customRoleName string
param assignReader bool
@description('Resource ID of an existing Microsoft.Resources.Subscriptions system topic on this subscription, or empty to create one.')
param existingSystemTopicId string
param enableResourceNotifications bool

var roles = loadJsonContent('../roles.json')
var createTopic = empty(existingSystemTopicId)
var topicResourceGroupName = 'rg-${environmentName}-events'
// Both branches are plain strings so that indexing below never fails when no topic is reused.
var existingTopicParts = split(
  createTopic
    ? '/subscriptions/none/resourceGroups/none/providers/Microsoft.EventGrid/systemTopics/none'
    : existingSystemTopicId,
  '/'
)

resource approverAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, customRoleName)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', customRoleName)
    description: 'linkgate: read private link targets and approve or reject their private endpoint connections'
  }
}

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignReader) {
  name: guid(subscription().id, principalId, roles.reader)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.reader)
    description: 'linkgate: Azure Resource Graph inventory for the sweep'
  }
}

resource monitoringReaderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roles.monitoringReader)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringReader)
    description: 'linkgate: Private Link traffic metrics for the sweep'
  }
}

resource topicGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = if (createTopic || enableResourceNotifications) {
  name: topicResourceGroupName
  location: location
  tags: tags
}

module newTopics 'systemTopics.bicep' = if (createTopic || enableResourceNotifications) {
  name: 'linkgate-topics-${uniqueString(subscription().id, environmentName)}'
  scope: topicGroup
  params: {
    tags: tags
    sourceSubscriptionId: subscription().subscriptionId
    createSubscriptionTopic: createTopic
    createNotificationsTopic: enableResourceNotifications
  }
}

// Only one system topic per source and type may exist: when the subscription already has one, linkgate adds its
// event subscriptions to it and reads its identity for dead-lettering instead of creating a second topic.
module reusedTopic 'existingSystemTopic.bicep' = if (!createTopic) {
  name: 'linkgate-topic-${uniqueString(subscription().id, environmentName)}'
  scope: resourceGroup(existingTopicParts[4])
  params: {
    topicName: existingTopicParts[8]
  }
}

output subscriptionTopicId string = createTopic ? newTopics.outputs.subscriptionTopicId : reusedTopic.outputs.id
output subscriptionTopicPrincipalId string = createTopic
  ? newTopics.outputs.subscriptionTopicPrincipalId
  : reusedTopic.outputs.principalId
output notificationsTopicId string = enableResourceNotifications ? newTopics.outputs.notificationsTopicId : ''
output notificationsTopicPrincipalId string = enableResourceNotifications
  ? newTopics.outputs.notificationsTopicPrincipalId
  : ''
