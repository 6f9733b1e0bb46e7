package app.swarmroll.android.features.host

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.WebGuestAccess
import app.swarmroll.android.designsystem.LocalImageDecoder
import app.swarmroll.android.designsystem.str

/** The venue web gallery: how long and for what, then Open; once open, its QR, link and Close. */
@Composable
internal fun WebGalleryCard(state: HostState, onEvent: (HostEvent) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(16.dp, 8.dp)) {
        Column(Modifier.padding(16.dp)) {
            Text(str("host_web_title"), style = MaterialTheme.typography.titleMedium)
            val web = state.web
            if (web == null) WebGalleryForm(state, onEvent) else WebGalleryOpen(web, onEvent)
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun WebGalleryForm(state: HostState, onEvent: (HostEvent) -> Unit) {
    Text(str("host_web_body"), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(vertical = 8.dp))
    Text(str("host_web_open_for"), style = MaterialTheme.typography.labelLarge)
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        for (m in HostState.DURATIONS) {
            FilterChip(
                selected = state.minutes == m,
                onClick = { onEvent(HostEvent.SetMinutes(m)) },
                label = { Text(if (m % 60 == 0) str("host_web_hours", m / 60) else str("host_web_minutes", m)) }
            )
        }
    }
    Text(str("host_web_guests_can"), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp))
    Column(Modifier.selectableGroup()) {
        for ((access, label) in listOf(
            WebGuestAccess.View to "host_web_view",
            WebGuestAccess.Upload to "host_web_upload",
            WebGuestAccess.DropBox to "host_web_dropbox"
        )) {
            Row(
                Modifier.fillMaxWidth().heightIn(min = 48.dp)
                    .selectable(state.access == access, role = Role.RadioButton) { onEvent(HostEvent.SetAccess(access)) },
                verticalAlignment = Alignment.CenterVertically
            ) {
                RadioButton(selected = state.access == access, onClick = null)
                Text(str(label), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(start = 12.dp))
            }
        }
    }
    Button(onClick = { onEvent(HostEvent.OpenWeb) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth().padding(top = 8.dp)) {
        Text(str("host_web_open"))
    }
}

@Composable
private fun ColumnScope.WebGalleryOpen(web: OpenWebGallery, onEvent: (HostEvent) -> Unit) {
    val decoder = LocalImageDecoder.current
    val qr = remember(web.info.guestQrPng) { web.info.guestQrPng.takeIf { it.isNotEmpty() }?.let(decoder::decode) }
    Text(str("host_web_closes", web.closesLabel), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(vertical = 4.dp))
    if (qr != null) {
        // A QR code stays black on white in both themes, with sharp modules, so any scanner reads it.
        Image(
            qr,
            str("host_web_qr"),
            filterQuality = FilterQuality.None,
            modifier = Modifier.align(
                Alignment.CenterHorizontally
            ).padding(vertical = 8.dp).size(220.dp).background(Color.White, RoundedCornerShape(8.dp)).padding(8.dp)
        )
    }
    Text(str("host_web_scan"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    Text(
        web.info.guestUrl,
        style = MaterialTheme.typography.titleMedium,
        fontFamily = FontFamily.Monospace,
        modifier = Modifier.padding(vertical = 4.dp)
    )
    OutlinedButton(onClick = { onEvent(HostEvent.CloseWeb) }, modifier = Modifier.fillMaxWidth().padding(top = 8.dp)) {
        Text(str("host_web_close"))
    }
}
