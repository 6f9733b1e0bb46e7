package app.swarmroll.android.features.settings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.Section
import app.swarmroll.android.designsystem.str

/**
 * The rendezvous relays the user names: servers someone they trust runs (`swarmroll
 * serve-relay`), where members meet when they cannot reach each other and no member's
 * home node is on. A relay is in no channel and sees only encrypted bytes; the section
 * says so, lists the relays with a way to remove each, and takes a new `ip:port`.
 */
@Composable
internal fun RelaysSection(state: SettingsState, relays: List<String>, onEvent: (SettingsEvent) -> Unit) {
    Section(str("settings_relays")) {
        SectionNote(str("settings_relays_body"))
        if (relays.isEmpty()) {
            Text(str("settings_relays_none"), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(top = 12.dp))
        }
        for (relay in relays) {
            Row(Modifier.fillMaxWidth().heightIn(min = 48.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(relay, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
                TextButton(onClick = { onEvent(SettingsEvent.RemoveRelay(relay)) }, enabled = !state.saving) {
                    Text(str("settings_relays_remove"))
                }
            }
        }
        OutlinedTextField(
            value = state.relayDraft,
            onValueChange = { onEvent(SettingsEvent.EditRelay(it)) },
            label = { Text(str("settings_relays_address")) },
            placeholder = { Text("203.0.113.7:51418") },
            singleLine = true,
            isError = state.relayError != null,
            supportingText = state.relayError?.let { { Text(it) } },
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, imeAction = ImeAction.Done),
            keyboardActions = KeyboardActions(onDone = { onEvent(SettingsEvent.AddRelay) }),
            modifier = Modifier.fillMaxWidth().padding(top = 12.dp)
        )
        Row(Modifier.fillMaxWidth().padding(top = 8.dp), horizontalArrangement = Arrangement.End) {
            Button(onClick = { onEvent(SettingsEvent.AddRelay) }, enabled = !state.saving && state.relayDraft.isNotBlank()) {
                Text(str("settings_relays_add"))
            }
        }
    }
}
