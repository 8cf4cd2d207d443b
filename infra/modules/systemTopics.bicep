// Event Grid system topics on one subscription. System topics are global; each gets a system-assigned identity
// that Event Grid uses to write undeliverable events to the dead-letter container (no storage keys).
param tags object
param sourceSubscriptionId string
param createSubscriptionTopic bool
param createNotificationsTopic bool

var suffix = uniqueString(sourceSubscriptionId, resourceGroup().id)

resource subscriptionTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (createSubscriptionTopic) {
  name: 'evgt-linkgate-arm-${suffix}'
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: '/subscriptions/${sourceSubscriptionId}'
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

// Azure Resource Notifications (opt-in): CreatedOrUpdated events carry the whole resource.
resource notificationsTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (createNotificationsTopic) {
  name: 'evgt-linkgate-arn-${suffix}'
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: '/subscriptions/${sourceSubscriptionId}'
    topicType: 'Microsoft.ResourceNotifications.Resources'
  }
}

output subscriptionTopicId string = createSubscriptionTopic ? subscriptionTopic.id : ''
output subscriptionTopicPrincipalId string = createSubscriptionTopic ? subscriptionTopic.identity.principalId : ''
output notificationsTopicId string = createNotificationsTopic ? notificationsTopic.id : ''
output notificationsTopicPrincipalId string = createNotificationsTopic ? notificationsTopic.identity.principalId : ''
