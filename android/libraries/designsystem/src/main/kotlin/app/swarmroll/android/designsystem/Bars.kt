package app.swarmroll.android.designsystem

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedCard
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp

/*
 * The page furniture several features share: a top bar with back, a title and a subtitle,
 * a back button, a choice as a card and a titled section of a settings-like page. Titles are headings for TalkBack.
 */

/**
 * A top bar: a back button (when [onBack] is given; 48 dp, described as "Back"), a title that
 * may take two lines before a cut, and an optional one-line [subtitle].
 */
@Composable
fun BackTopBar(title: String, subtitle: String? = null, onBack: (() -> Unit)?) {
    Row(Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
        if (onBack != null) {
            BackButton(onBack)
        }
        Column(Modifier.weight(1f).padding(start = if (onBack != null) 12.dp else 20.dp, end = 12.dp)) {
            Text(
                title,
                style = MaterialTheme.typography.titleLarge,
                maxLines = 2,
                overflow = TextOverflow.Ellipsis,
                modifier = Modifier.semantics {
                    heading()
                }
            )
            if (subtitle != null) {
                Text(
                    subtitle,
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    maxLines = 1,
                    overflow = TextOverflow.Ellipsis
                )
            }
        }
    }
}

/** A 48 dp back button with [BackIcon], described as [description] for TalkBack. */
@Composable
fun BackButton(onBack: () -> Unit, description: String = str("back")) {
    IconButton(onClick = onBack, modifier = Modifier.semantics { contentDescription = description }) { BackIcon() }
}

/**
 * A choice among a few, as a card: the whole card is the radio button for touch and TalkBack
 * (the [RadioButton] in it only shows the choice), with a [title] and an explaining [body].
 */
@Composable
fun RadioCard(title: String, body: String, selected: Boolean, onSelect: () -> Unit) {
    OutlinedCard(Modifier.fillMaxWidth().selectable(selected = selected, onClick = onSelect, role = Role.RadioButton)) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.Top) {
            RadioButton(selected = selected, onClick = null, modifier = Modifier.padding(top = 2.dp))
            Spacer(Modifier.width(12.dp))
            Column {
                Text(title, style = MaterialTheme.typography.titleSmall)
                Text(body, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
        }
    }
}

/** A section of a settings-like page: a small title in the primary colour over [content]. */
@Composable
fun Section(title: String, content: @Composable () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)) {
        Text(
            title,
            style = MaterialTheme.typography.titleSmall,
            color = MaterialTheme.colorScheme.primary,
            modifier = Modifier.padding(vertical = 8.dp).semantics {
                heading()
            }
        )
        content()
    }
}

/**
 * A form on its own page: a top bar with [title] and a back button ([backDescription] for
 * TalkBack), and [content] in a column that scrolls and stays above the keyboard.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun FormPage(
    title: String,
    backDescription: String,
    onBack: () -> Unit,
    modifier: Modifier = Modifier,
    content: @Composable ColumnScope.() -> Unit
) {
    Scaffold(
        modifier = modifier,
        topBar = {
            TopAppBar(title = { Text(title) }, navigationIcon = { BackButton(onBack, backDescription) })
        }
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().imePadding().verticalScroll(rememberScrollState())
                .padding(horizontal = 16.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(16.dp),
            content = content
        )
    }
}
