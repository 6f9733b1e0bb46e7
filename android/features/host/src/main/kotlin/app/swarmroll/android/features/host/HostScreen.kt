package app.swarmroll.android.features.host

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.designsystem.BackButton
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.str

/** Host tools: the venue web gallery, then the members with their roles. */
@Composable
fun HostScreen(state: HostState, onEvent: (HostEvent) -> Unit, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        HostTopBar(state.channelName) { onEvent(HostEvent.Back) }
        when {
            state.loading -> Loading(str("host_loading"))

            state.error != null && state.members.isEmpty() -> ErrorState(state.error, onRetry = { onEvent(HostEvent.Retry) })

            else ->
                LazyColumn(Modifier.fillMaxSize()) {
                    item(key = "notice") { Notices(state, onEvent) }
                    item(key = "web") { WebGalleryCard(state, onEvent) }
                    item(key = "members") { SectionTitle(str("host_members")) }
                    if (!state.isOwner) item(key = "owner-only") { Hint(str("host_only_owner")) }
                    items(state.members, key = { it.member.deviceId }) { MemberRowView(it, onEvent) }
                    if (state.removed.isNotEmpty()) {
                        item(key = "removed") { SectionTitle(str("host_removed")) }
                        items(state.removed, key = { "removed-" + it.deviceId }) { RemovedRow(it) }
                    }
                }
        }
    }
    state.confirmRemove?.let { ConfirmRemove(it, onEvent) }
}

@Composable
private fun HostTopBar(channelName: String, onBack: () -> Unit) {
    Row(Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
        BackButton(onBack)
        Column(Modifier.weight(1f).padding(horizontal = 12.dp)) {
            Text(str("host_title"), style = MaterialTheme.typography.titleLarge, modifier = Modifier.semantics { heading() })
            Text(channelName, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, maxLines = 1)
        }
    }
}

@Composable
private fun Notices(state: HostState, onEvent: (HostEvent) -> Unit) {
    val text =
        when (state.notice) {
            HostNotice.PostHidden -> str("host_notice_hidden")
            HostNotice.MemberRemoved -> str("host_notice_removed")
            HostNotice.RoleChanged -> str("host_notice_role")
            null -> null
        }
    val error = state.error
    if (text == null && error == null) return
    Surface(
        color = if (error != null) MaterialTheme.colorScheme.errorContainer else MaterialTheme.colorScheme.secondaryContainer,
        shape = RoundedCornerShape(12.dp),
        modifier = Modifier.fillMaxWidth().padding(16.dp, 8.dp)
    ) {
        Row(Modifier.padding(start = 16.dp, end = 4.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(
                error ?: text.orEmpty(),
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.weight(1f).padding(vertical = 12.dp)
            )
            TextButton(onClick = { onEvent(HostEvent.DismissNotice) }) { Text(str("host_notice_dismiss")) }
        }
    }
}

@Composable
private fun SectionTitle(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = Modifier.padding(start = 16.dp, end = 16.dp, top = 20.dp, bottom = 4.dp).semantics {
            heading()
        }
    )
}

@Composable
private fun Hint(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
        modifier = Modifier.padding(horizontal = 16.dp)
    )
}

@Composable
internal fun roleLabel(role: Role): String = when (role) {
    Role.Owner -> str("host_role_owner")
    Role.CoHost -> str("host_role_cohost")
    Role.Contributor -> str("host_role_contributor")
    Role.Viewer -> str("host_role_viewer")
}

@Composable
private fun MemberRowView(row: MemberRow, onEvent: (HostEvent) -> Unit) {
    val m = row.member
    Row(Modifier.fillMaxWidth().heightIn(min = 56.dp).padding(start = 16.dp, end = 8.dp), verticalAlignment = Alignment.CenterVertically) {
        Initial(m.name)
        Column(Modifier.weight(1f).padding(horizontal = 12.dp, vertical = 6.dp)) {
            Text(if (row.isMe) str("host_you", m.name) else m.name, style = MaterialTheme.typography.bodyLarge)
            Text(roleLabel(m.role), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        if (row.canManage) ManageMenu(m, onEvent)
    }
}

@Composable
private fun ManageMenu(m: Member, onEvent: (HostEvent) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        val description = str("host_manage_description", m.name)
        TextButton(onClick = {
            open = true
        }, modifier = Modifier.semantics { contentDescription = description }) { Text(str("host_manage")) }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            for ((role, label) in listOf(
                Role.CoHost to "host_make_cohost",
                Role.Contributor to "host_make_contributor",
                Role.Viewer to "host_make_viewer"
            )) {
                if (role != m.role) {
                    DropdownMenuItem(text = { Text(str(label)) }, onClick = {
                        open = false
                        onEvent(HostEvent.SetRole(m.deviceId, role))
                    })
                }
            }
            DropdownMenuItem(text = { Text(str("host_remove"), color = MaterialTheme.colorScheme.error) }, onClick = {
                open = false
                onEvent(HostEvent.AskRemove(m.deviceId))
            })
        }
    }
}

@Composable
private fun RemovedRow(m: Member) {
    Row(Modifier.fillMaxWidth().heightIn(min = 48.dp).padding(horizontal = 16.dp), verticalAlignment = Alignment.CenterVertically) {
        Initial(m.name, faded = true)
        Text(
            m.name,
            style = MaterialTheme.typography.bodyLarge,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.padding(start = 12.dp)
        )
    }
}

@Composable
private fun Initial(name: String, faded: Boolean = false) {
    val bg = if (faded) MaterialTheme.colorScheme.surfaceVariant else MaterialTheme.colorScheme.primaryContainer
    Box(Modifier.size(40.dp).background(bg, RoundedCornerShape(20.dp)), contentAlignment = Alignment.Center) {
        Text(name.take(1).uppercase(), style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.onPrimaryContainer)
    }
}

@Composable
private fun ConfirmRemove(m: Member, onEvent: (HostEvent) -> Unit) {
    AlertDialog(
        onDismissRequest = { onEvent(HostEvent.CancelRemove) },
        title = { Text(str("host_remove_title", m.name)) },
        text = { Text(str("host_remove_body", m.name)) },
        confirmButton = {
            TextButton(onClick = {
                onEvent(HostEvent.ConfirmRemove)
            }) { Text(str("host_remove_confirm"), color = MaterialTheme.colorScheme.error) }
        },
        dismissButton = { TextButton(onClick = { onEvent(HostEvent.CancelRemove) }) { Text(str("cancel")) } }
    )
}
