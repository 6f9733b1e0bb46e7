package app.swarmroll.android.features.invite

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.designsystem.FormPage
import app.swarmroll.android.designsystem.str

/** Joining: paste a link or scan a QR code, see what the invite says, then join. */
@Composable
fun JoinScreen(state: JoinState, onEvent: (JoinEvent) -> Unit, modifier: Modifier = Modifier) {
    FormPage(str("join_title"), str("invite_back"), { onEvent(JoinEvent.Back) }, modifier) {
        OutlinedTextField(
            value = state.link,
            onValueChange = { onEvent(JoinEvent.LinkChanged(it)) },
            label = { Text(str("join_link_label")) },
            supportingText = { Text(str("join_link_help")) },
            enabled = !state.joining,
            maxLines = 3,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, imeAction = ImeAction.Go),
            keyboardActions = KeyboardActions(onGo = { onEvent(JoinEvent.Join) }),
            modifier = Modifier.fillMaxWidth().testTag("join-link")
        )
        OutlinedButton(
            onClick = { onEvent(JoinEvent.ScanQr) },
            enabled = !state.joining,
            modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)
        ) {
            QrIcon()
            Spacer(Modifier.width(8.dp))
            Text(str("join_scan"))
        }
        state.preview?.let { Preview(it) }
        state.failure?.let { Failure(it, onEvent) }
        if (state.joining) {
            Joining(state.preview?.channelName)
        } else {
            Button(
                onClick = { onEvent(JoinEvent.Join) },
                enabled = state.canJoin,
                modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)
            ) { Text(str("join_button")) }
        }
    }
}

@Composable
private fun Preview(preview: InvitePreview) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer),
        modifier = Modifier.fillMaxWidth().semantics(mergeDescendants = true) {}
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            val onContainer = MaterialTheme.colorScheme.onPrimaryContainer
            Text(str("join_preview_kicker"), style = MaterialTheme.typography.labelLarge, color = onContainer)
            Text(
                preview.channelName,
                style = MaterialTheme.typography.titleLarge,
                color = onContainer,
                modifier = Modifier.semantics {
                    heading()
                }
            )
            Text(
                str("join_preview_from", preview.inviterName, roleWord(preview.role)),
                style = MaterialTheme.typography.bodyMedium,
                color = onContainer
            )
        }
    }
}

@Composable
private fun Failure(failure: JoinFailure, onEvent: (JoinEvent) -> Unit) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        modifier = Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            val onContainer = MaterialTheme.colorScheme.onErrorContainer
            Text(str("join_failed"), style = MaterialTheme.typography.titleSmall, color = onContainer)
            Text(failure.message, style = MaterialTheme.typography.bodyMedium, color = onContainer)
            if (failure.retryable) {
                OutlinedButton(onClick = { onEvent(JoinEvent.Join) }, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text(str("join_try_again"))
                }
            }
        }
    }
}

@Composable
private fun Joining(channelName: String?) {
    val title = if (channelName.isNullOrEmpty()) str("join_joining_plain") else str("join_joining", channelName)
    Row(
        Modifier.fillMaxWidth().semantics(mergeDescendants = true) { liveRegion = LiveRegionMode.Polite },
        verticalAlignment = Alignment.CenterVertically
    ) {
        CircularProgressIndicator(Modifier.size(32.dp))
        Spacer(Modifier.width(16.dp))
        Column {
            Text(title, style = MaterialTheme.typography.titleMedium)
            Text(str("join_joining_body"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}
