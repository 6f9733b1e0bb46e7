package app.swarmroll.android.features.invite

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.Invite
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.designsystem.BackButton
import app.swarmroll.android.designsystem.LocalImageDecoder
import app.swarmroll.android.designsystem.RadioCard
import app.swarmroll.android.designsystem.str

/** The invite screen: the role, the link with "Share link", and the QR code full screen on demand. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun InviteScreen(state: InviteState, onEvent: (InviteEvent) -> Unit, modifier: Modifier = Modifier) {
    val invite = state.invite
    if (state.showQr && invite != null) {
        QrFullScreen(state.channelName, invite, onClose = { onEvent(InviteEvent.HideQr) }, modifier = modifier)
        return
    }
    Scaffold(
        modifier = modifier,
        topBar = {
            TopAppBar(
                title = {
                    Text(
                        if (state.channelName.isEmpty()) str("invite_title_plain") else str("invite_title", state.channelName),
                        maxLines = 1,
                        overflow = TextOverflow.Ellipsis
                    )
                },
                navigationIcon = {
                    BackButton({ onEvent(InviteEvent.Back) }, str("invite_back"))
                }
            )
        }
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 16.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp)
        ) {
            Text(str("invite_role_title"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            Column(Modifier.selectableGroup(), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                for (role in state.roles) {
                    RoleOption(role, selected = role == state.role) { onEvent(InviteEvent.SelectRole(role)) }
                }
            }
            Text(
                str("invite_cohost_note"),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(horizontal = 4.dp)
            )
            LinkCard(state, onEvent)
        }
    }
}

@Composable
private fun RoleOption(role: Role, selected: Boolean, onSelect: () -> Unit) {
    val (title, body) =
        when (role) {
            Role.Viewer -> str("invite_role_viewer") to str("invite_role_viewer_body")
            else -> str("invite_role_contributor") to str("invite_role_contributor_body")
        }
    RadioCard(title, body, selected, onSelect)
}

@Composable
private fun LinkCard(state: InviteState, onEvent: (InviteEvent) -> Unit) {
    val invite = state.invite
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(str("invite_link_title"), style = MaterialTheme.typography.titleSmall)
            val error = state.error
            when {
                error != null -> {
                    Text(error, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                    OutlinedButton(onClick = { onEvent(InviteEvent.Retry) }, modifier = Modifier.heightIn(min = 48.dp)) {
                        Text(str("join_try_again"))
                    }
                }

                invite == null -> Making()

                else -> ReadyLink(invite, state.role, onEvent)
            }
        }
    }
}

@Composable
private fun Making() {
    val making = str("invite_making")
    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.semantics { contentDescription = making }) {
        CircularProgressIndicator(Modifier.size(20.dp), strokeWidth = 2.dp)
        Spacer(Modifier.width(12.dp))
        Text(making, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun ReadyLink(invite: Invite, role: Role, onEvent: (InviteEvent) -> Unit) {
    Text(
        invite.link,
        fontFamily = FontFamily.Monospace,
        style = MaterialTheme.typography.bodySmall,
        maxLines = 3,
        overflow = TextOverflow.Ellipsis,
        modifier =
            Modifier.fillMaxWidth().background(MaterialTheme.colorScheme.surface, RoundedCornerShape(8.dp)).padding(12.dp)
                .testTag("invite-link")
    )
    Text(str("invite_link_warning", roleWord(role)), style = MaterialTheme.typography.bodySmall)
    Button(onClick = { onEvent(InviteEvent.ShareLink(invite.link)) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
        ShareIcon()
        Spacer(Modifier.width(8.dp))
        Text(str("invite_share"))
    }
    OutlinedButton(onClick = { onEvent(InviteEvent.ShowQr) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
        QrIcon()
        Spacer(Modifier.width(8.dp))
        Text(str("invite_show_qr"))
    }
}

/** "viewer", "contributor": the role as a word inside a sentence. */
@Composable
internal fun roleWord(role: Role): String = when (role) {
    Role.Viewer -> str("join_role_viewer")
    Role.Contributor -> str("join_role_contributor")
    Role.CoHost, Role.Owner -> str("join_role_cohost")
}

/**
 * The QR code as large as the screen allows, black on white in both themes (scanners need
 * the contrast), with the channel and role spelled out for the person holding the phone.
 */
@Composable
private fun QrFullScreen(channelName: String, invite: Invite, onClose: () -> Unit, modifier: Modifier) {
    val decoder = LocalImageDecoder.current
    val image = remember(invite.qrPng) { if (invite.qrPng.isEmpty()) null else decoder.decode(invite.qrPng) }
    Column(
        modifier.fillMaxSize().background(Color.White).verticalScroll(rememberScrollState()).padding(24.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically)
    ) {
        Text(channelName, style = MaterialTheme.typography.headlineSmall, color = Color.Black, textAlign = TextAlign.Center)
        Text(str("invite_qr_role", roleWord(invite.preview.role)), style = MaterialTheme.typography.bodyLarge, color = Color.DarkGray)
        val description = str("invite_qr_description", channelName)
        if (image != null) {
            Image(
                image,
                contentDescription = description,
                filterQuality = FilterQuality.None,
                modifier = Modifier.fillMaxWidth().aspectRatio(1f)
            )
        } else {
            Box(Modifier.fillMaxWidth().aspectRatio(1f).background(Color(0xFFEEEEEE)), contentAlignment = Alignment.Center) {
                Text(str("invite_qr_missing"), color = Color.Black, textAlign = TextAlign.Center, modifier = Modifier.padding(24.dp))
            }
        }
        if (image != null) {
            Text(str("invite_qr_hint"), style = MaterialTheme.typography.bodyMedium, color = Color.DarkGray, textAlign = TextAlign.Center)
        }
        TextButton(onClick = onClose, modifier = Modifier.heightIn(min = 48.dp)) {
            Text(str("invite_close"), color = Color(0xFF3D5AFE))
        }
    }
}
