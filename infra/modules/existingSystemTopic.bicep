// Reads an existing Microsoft.Resources.Subscriptions system topic that linkgate reuses. Dead-lettering with the
// topic's identity needs a system-assigned identity on it: docs/deploy.md says how to enable one.
param topicName string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: topicName
}

output id string = topic.id
output principalId string = topic.identity.principalId
