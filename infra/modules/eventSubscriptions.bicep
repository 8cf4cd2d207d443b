// Event subscriptions from one system topic to the linkgate function. The filters come from
// infra/accepted-events.json, generated from src/core/events/accepted.ts (the handler's own list): Azure
// delivers exactly what the handler accepts. Event Grid ANDs advanced filters and ORs the values inside one
// filter, so the operation suffixes (StringEndsWith) and the whole operation names (StringIn) need one
// subscription each. String filters are case-insensitive, like the handler's matching.
param topicName string
@allowed([
  'Microsoft.Resources.Subscriptions'
  'Microsoft.ResourceNotifications.Resources'
])
param topicType string
param functionAppId string
param deadLetterStorageId string
param deadLetterContainerName string
param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int

var accepted = loadJsonContent('../accepted-events.json')
var eventTypes = accepted.eventTypesByTopicType[topicType]
var isArmTopic = topicType == 'Microsoft.Resources.Subscriptions'

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: topicName
}

// One event per invocation: a failure redelivers only the event that failed.
var destination = {
  endpointType: 'AzureFunction'
  properties: {
    resourceId: '${functionAppId}/functions/linkgateEvents'
    maxEventsPerBatch: 1
    preferredBatchSizeInKilobytes: 64
  }
}

var retryPolicy = {
  maxDeliveryAttempts: maxDeliveryAttempts
  eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
}

// Event Grid writes undeliverable events with the topic's own identity (granted Storage Blob Data Contributor on
// this container in stage 1), so the storage account keeps shared-key access disabled.
var deadLetter = {
  identity: {
    type: 'SystemAssigned'
  }
  deadLetterDestination: {
    endpointType: 'StorageBlob'
    properties: {
      resourceId: deadLetterStorageId
      blobContainerName: deadLetterContainerName
    }
  }
}

resource connectionWrites 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (isArmTopic) {
  parent: topic
  name: 'linkgate-connection-writes'
  properties: {
    destination: destination
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: eventTypes
      advancedFilters: [
        {
          operatorType: 'StringEndsWith'
          key: 'data.operationName'
          values: accepted.operationSuffixes
        }
      ]
    }
    retryPolicy: retryPolicy
    deadLetterWithResourceIdentity: deadLetter
  }
}

resource resourceWrites 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (isArmTopic) {
  parent: topic
  name: 'linkgate-resource-writes'
  properties: {
    destination: destination
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: eventTypes
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: accepted.operations
        }
      ]
    }
    retryPolicy: retryPolicy
    deadLetterWithResourceIdentity: deadLetter
  }
}

resource notifications 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (!isArmTopic) {
  parent: topic
  name: 'linkgate-resource-notifications'
  properties: {
    destination: destination
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: eventTypes
    }
    retryPolicy: retryPolicy
    deadLetterWithResourceIdentity: deadLetter
  }
}
