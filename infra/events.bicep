// linkgate: stage 2, run by the azd postdeploy hook (infra/scripts/postdeploy.sh|ps1) after `azd deploy` has
// published the code. Event Grid validates an AzureFunction endpoint when the subscription is created, so the
// function `linkgateEvents` must already exist. Idempotent: re-running updates the same event subscriptions.
targetScope = 'subscription'

@description('Resource ID of the linkgate function app (azd output AZURE_FUNCTION_APP_ID).')
param functionAppId string

@description('Comma-separated resource IDs of Microsoft.Resources.Subscriptions system topics (azd output LINKGATE_SYSTEM_TOPIC_IDS).')
param systemTopicIds string

@description('Comma-separated resource IDs of Microsoft.ResourceNotifications.Resources system topics (azd output LINKGATE_NOTIFICATION_TOPIC_IDS); may be empty.')
param notificationTopicIds string = ''

@description('Storage account receiving dead-lettered events (azd output LINKGATE_DEADLETTER_STORAGE_ID).')
param deadLetterStorageId string

@description('Blob container receiving dead-lettered events (azd output LINKGATE_DEADLETTER_CONTAINER).')
param deadLetterContainerName string

@minValue(1)
@maxValue(30)
@description('Delivery attempts before an event is dead-lettered.')
param maxDeliveryAttempts int = 30

@minValue(1)
@maxValue(1440)
@description('Minutes Event Grid keeps retrying an event before dead-lettering it.')
param eventTimeToLiveInMinutes int = 1440

var armTopics = filter(map(split(systemTopicIds, ','), id => trim(id)), id => !empty(id))
var notificationTopics = filter(map(split(notificationTopicIds, ','), id => trim(id)), id => !empty(id))

module armSubscriptions 'modules/eventSubscriptions.bicep' = [
  for topicId in armTopics: {
    name: 'linkgate-evs-${uniqueString(topicId)}'
    scope: resourceGroup(split(topicId, '/')[2], split(topicId, '/')[4])
    params: {
      topicName: split(topicId, '/')[8]
      topicType: 'Microsoft.Resources.Subscriptions'
      functionAppId: functionAppId
      deadLetterStorageId: deadLetterStorageId
      deadLetterContainerName: deadLetterContainerName
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
  }
]

module notificationSubscriptions 'modules/eventSubscriptions.bicep' = [
  for topicId in notificationTopics: {
    name: 'linkgate-evs-${uniqueString(topicId)}'
    scope: resourceGroup(split(topicId, '/')[2], split(topicId, '/')[4])
    params: {
      topicName: split(topicId, '/')[8]
      topicType: 'Microsoft.ResourceNotifications.Resources'
      functionAppId: functionAppId
      deadLetterStorageId: deadLetterStorageId
      deadLetterContainerName: deadLetterContainerName
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
  }
]
