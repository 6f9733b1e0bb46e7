package app.swarmroll.android.features.channels

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.ErrorText
import app.swarmroll.android.designsystem.FormPage
import app.swarmroll.android.designsystem.RadioCard
import app.swarmroll.android.designsystem.str

/** The create-channel form: a name and open or private, each explained. */
@Composable
fun CreateChannelScreen(state: CreateChannelState, onEvent: (CreateChannelEvent) -> Unit, modifier: Modifier = Modifier) {
    FormPage(str("channels_create_title"), str("channels_back"), { onEvent(CreateChannelEvent.Cancel) }, modifier) {
        NameField(state, onEvent)
        Text(str("channels_who_title"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
        Column(Modifier.selectableGroup(), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            RadioCard(str("channels_private"), str("channels_private_body"), selected = state.private) {
                onEvent(CreateChannelEvent.PrivateChanged(true))
            }
            RadioCard(str("channels_open"), str("channels_open_body"), selected = !state.private) {
                onEvent(CreateChannelEvent.PrivateChanged(false))
            }
        }
        state.error?.let { ErrorText(it) }
        CreateButton(state.creating) { onEvent(CreateChannelEvent.Create) }
    }
}

@Composable
private fun NameField(state: CreateChannelState, onEvent: (CreateChannelEvent) -> Unit) {
    val error =
        when (state.nameError) {
            ChannelNameError.Blank -> str("channels_name_blank")
            ChannelNameError.TooLong -> str("channels_name_too_long")
            null -> null
        }
    OutlinedTextField(
        value = state.name,
        onValueChange = { onEvent(CreateChannelEvent.NameChanged(it)) },
        label = { Text(str("channels_name_label")) },
        supportingText = { Text(error ?: str("channels_name_help")) },
        isError = error != null,
        singleLine = true,
        enabled = !state.creating,
        keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences, imeAction = ImeAction.Done),
        keyboardActions = KeyboardActions(onDone = { onEvent(CreateChannelEvent.Create) }),
        modifier = Modifier.fillMaxWidth().testTag("channel-name")
    )
}

@Composable
private fun CreateButton(creating: Boolean, onClick: () -> Unit) {
    val creatingText = str("channels_creating")
    Button(
        onClick = onClick,
        enabled = !creating,
        modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp).then(
            if (creating) {
                Modifier.semantics {
                    contentDescription = creatingText
                }
            } else {
                Modifier
            }
        )
    ) {
        if (creating) {
            CircularProgressIndicator(Modifier.size(20.dp), strokeWidth = 2.dp)
            Spacer(Modifier.width(12.dp))
            Text(creatingText)
        } else {
            Text(str("channels_create_button"))
        }
    }
}
