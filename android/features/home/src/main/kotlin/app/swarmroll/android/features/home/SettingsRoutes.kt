package app.swarmroll.android.features.home

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.designsystem.Section
import app.swarmroll.android.designsystem.str
import app.swarmroll.android.features.settings.SettingsEffect
import app.swarmroll.android.features.settings.SettingsEvent
import app.swarmroll.android.features.settings.SettingsPresenter
import app.swarmroll.android.features.settings.SettingsScreen
import app.swarmroll.android.features.settings.TransfersPresenter
import app.swarmroll.android.features.settings.TransfersScreen

/**
 * Settings from the core's model ([SettingsPresenter], with the last background pass and
 * the battery-manager flag the platform records), followed by what the app itself adds:
 * party mode, the way to the transfers screen, and notifications per channel.
 */
@Composable
internal fun SettingsRoute(client: SwarmrollClient, platform: Platform, nav: Navigator) {
    val presenter =
        rememberPresenter(Destination.Settings) { scope ->
            val last = platform.lastPass()
            SettingsPresenter(client, scope, last?.pass, last?.atMs, platform.batteryOptimized())
        }
    val state by presenter.state.collectAsState()
    LaunchedEffect(presenter) {
        presenter.effects.collect { e ->
            when (e) {
                SettingsEffect.OpenBatterySettings -> platform.openBatterySettings()
                SettingsEffect.Back -> nav.pop()
            }
        }
    }
    SettingsScreen(state, presenter::handle, extra = { AppSections(client, platform, nav) })
}

/** Originals on their way; the screen stays awake while they are watched. */
@Composable
internal fun TransfersRoute(client: SwarmrollClient, platform: Platform, nav: Navigator) {
    val presenter = rememberPresenter(Destination.Transfers) { scope -> TransfersPresenter(client, scope) }
    val state by presenter.state.collectAsState()
    DisposableEffect(Unit) {
        platform.keepScreenOn(true)
        onDispose { platform.keepScreenOn(false) }
    }
    TransfersScreen(state, onEvent = { if (it == SettingsEvent.Back) nav.pop() })
}

@Composable
private fun AppSections(client: SwarmrollClient, platform: Platform, nav: Navigator) {
    val party by platform.partyMode.collectAsState()
    HorizontalDivider()
    Section(str("home_settings_exchange")) {
        SwitchRow(str("home_party_mode"), str("home_party_mode_body"), party) { platform.setPartyMode(it) }
        OutlinedButton(onClick = {
            nav.push(Destination.Transfers)
        }, modifier = Modifier.fillMaxWidth().padding(top = 8.dp).heightIn(min = 48.dp)) {
            Text(str("home_open_transfers"))
        }
    }
    HorizontalDivider()
    Section(str("home_notifications")) { ChannelNotifications(client, platform) }
}

/** One switch per channel; each starts as the platform decided (off for big channels). */
@Composable
private fun ChannelNotifications(client: SwarmrollClient, platform: Platform) {
    val channels by remember { client.channels() }.collectAsState(emptyList<ChannelSummary>())
    val on = remember { mutableStateMapOf<String, Boolean>() }
    LaunchedEffect(channels) {
        for (c in channels) if (c.id !in on) on[c.id] = platform.notificationsOn(c.id)
    }
    if (channels.isEmpty()) {
        Text(
            str("home_notifications_none"),
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant
        )
        return
    }
    Text(str("home_notifications_body"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
    for (c in channels) {
        SwitchRow(c.name, null, on[c.id] ?: false) { value ->
            on[c.id] = value
            platform.setNotificationsOn(c.id, value)
        }
    }
}

/** A whole-row switch (one touch target, read as a switch by TalkBack). */
@Composable
private fun SwitchRow(title: String, body: String?, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 56.dp).toggleable(checked, role = Role.Switch, onValueChange = onChange),
        verticalAlignment = Alignment.CenterVertically
    ) {
        Column(Modifier.weight(1f).padding(end = 12.dp)) {
            Text(title, style = MaterialTheme.typography.bodyLarge)
            if (body != null) Text(body, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Switch(checked = checked, onCheckedChange = null)
    }
}
